import { expect, it } from 'vitest';
import { MessageShapeError } from '../../src/comm/errors.js';
import { checkMessage } from '../../src/comm/messages.js';

it('checkMessage passes the three handshake messages through', () => {
  const hello = { type: 'hello', version: 1, role: 'worker', token: 'abc' };
  expect(checkMessage(hello)).toBe(hello);
  expect(checkMessage({ type: 'welcome', version: 1 })).toEqual({ type: 'welcome', version: 1 });
  expect(checkMessage({ type: 'refused', reason: 'no' })).toEqual({ type: 'refused', reason: 'no' });
});

it('checkMessage names the field that is wrong', () => {
  const cases: [unknown, string][] = [
    [null, 'message'],
    [[1, 2], 'message'],
    ['hello', 'message'],
    [{ version: 1 }, 'message.type'],
    [{ type: 'goodbye' }, 'message.type'],
    [{ type: 'toString' }, 'message.type'],
    [{ type: 'hello', version: '1', role: 'client', token: 't' }, 'message.version'],
    [{ type: 'hello', version: 1, role: 'admin', token: 't' }, 'message.role'],
    [{ type: 'hello', version: 1, role: 'client' }, 'message.token'],
    [{ type: 'hello', version: 1, role: 'client', token: 5 }, 'message.token'],
    [{ type: 'welcome', version: Number.NaN }, 'message.version'],
    [{ type: 'refused' }, 'message.reason'],
  ];
  for (const [x, path] of cases) {
    let err: unknown;
    try {
      checkMessage(x);
    } catch (e) {
      err = e;
    }
    expect(err, JSON.stringify(x)).toBeInstanceOf(MessageShapeError);
    expect((err as MessageShapeError).path).toBe(path);
    expect((err as MessageShapeError).code).toBe('TSDASK_MESSAGE_SHAPE');
  }
});

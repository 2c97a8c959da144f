/**
 * The one place the cluster code reaches the Client: LocalCluster.client() opens a Client on
 * the cluster's scheduler with the cluster's token.
 */
import { Client } from '../client/client.js';

export type { Client };

/** A Client connected to the scheduler at `address` with `token`. */
export function openClient(address: string, token: string): Client {
  return new Client(address, { token });
}

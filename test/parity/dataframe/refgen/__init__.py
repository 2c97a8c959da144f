"""The reference generator's parts; run ../gen_reference.py."""

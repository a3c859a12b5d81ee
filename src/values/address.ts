// IP and MAC addresses as users write them in YAML or JSON.
import { isIP } from 'node:net';
import { z } from 'zod';

export const ipAddress = z.string().refine((value) => isIP(value) !== 0, { error: 'not an IPv4 or IPv6 address' });
export const ipv4Address = z.string().refine((value) => isIP(value) === 4, { error: 'not an IPv4 address' });

export const macAddress = z.string().refine((value) => /^([0-9a-f]{2}[:-]?){5}[0-9a-f]{2}$/i.test(value), {
  error: 'not a MAC address (example: aa:bb:cc:dd:ee:ff)',
});

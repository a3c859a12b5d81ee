// The address detector that ddns.ip describes.
import type { IpConfig } from '../config.ts';
import { CommandDetector } from './command.ts';
import type { AddressDetector } from './detection.ts';
import { InterfaceDetector } from './interface.ts';
import { WebDetector } from './web.ts';

export function createDetector(ip: IpConfig): AddressDetector {
  const timeoutMs = ip.timeout * 1000;
  switch (ip.source) {
    case 'web':
      return new WebDetector({ urls: { 4: ip.urls.v4, 6: ip.urls.v6 }, timeoutMs });
    case 'interface':
      return new InterfaceDetector({ name: ip.interface!, timeoutMs });
    case 'command':
      return new CommandDetector(ip.command!, timeoutMs);
  }
}

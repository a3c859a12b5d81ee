// The options of a decoded packet: each code's value, already concatenated
// across instances (RFC 3396) and length-checked (options.ts), with typed
// readers for what a server reads. Values are parsed when asked for, so a
// packet that is dropped early costs no parsing of options nobody reads.
import { decodeClientFqdn, type ClientFqdn } from './client-fqdn.ts';
import { Option, readAddress, readAddresses, readText, readUint16, readUint32 } from './options.ts';

/** RFC 2132 §9.10: the smallest maximum message size a client may announce. */
export const MIN_MESSAGE_SIZE = 576;

export class PacketOptions {
  readonly #values: ReadonlyMap<number, Uint8Array>;

  constructor(values: ReadonlyMap<number, Uint8Array>) {
    this.#values = values;
  }

  /** The raw value of option `code`, undefined when absent. */
  get(code: number): Uint8Array | undefined {
    return this.#values.get(code);
  }

  has(code: number): boolean {
    return this.#values.has(code);
  }

  /** The codes present, in the order they first appeared. */
  codes(): number[] {
    return [...this.#values.keys()];
  }

  address(code: number): string | undefined {
    const value = this.#values.get(code);
    return value && value.length >= 4 ? readAddress(value) : undefined;
  }

  addresses(code: number): string[] | undefined {
    const value = this.#values.get(code);
    return value && readAddresses(value);
  }

  uint32(code: number): number | undefined {
    const value = this.#values.get(code);
    return value && value.length >= 4 ? readUint32(value) : undefined;
  }

  /** Text up to the first NUL; undefined when absent or empty. */
  text(code: number): string | undefined {
    const value = this.#values.get(code);
    const text = value && readText(value);
    return text === '' ? undefined : text;
  }

  /** 50: the address a client in SELECTING or INIT-REBOOT asks for. */
  requestedAddress(): string | undefined {
    return this.address(Option.REQUESTED_ADDRESS);
  }

  /** 54: the server a REQUEST (SELECTING) or DECLINE/RELEASE is meant for. */
  serverId(): string | undefined {
    return this.address(Option.SERVER_ID);
  }

  /** 51, seconds. */
  leaseTime(): number | undefined {
    return this.uint32(Option.LEASE_TIME);
  }

  /** 12, as the client wrote it (UTF-8, up to a NUL); sanitizing is the caller's. */
  hostname(): string | undefined {
    return this.text(Option.HOSTNAME);
  }

  /** 81; undefined when absent or its name is malformed. */
  clientFqdn(): ClientFqdn | undefined {
    const value = this.#values.get(Option.CLIENT_FQDN);
    return value && decodeClientFqdn(value);
  }

  /** 61: type byte then identifier, to be compared as bytes (RFC 2132 §9.14). */
  clientId(): Uint8Array | undefined {
    return this.#values.get(Option.CLIENT_ID);
  }

  /** 55: the option codes the client asks for, in its order of preference (possibly none). */
  parameterRequestList(): Uint8Array | undefined {
    return this.#values.get(Option.PARAMETER_REQUEST_LIST);
  }

  /** 57, raised to 576 when a client announces less (RFC 2132 §9.10's minimum). */
  maxMessageSize(): number | undefined {
    const value = this.#values.get(Option.MAX_MESSAGE_SIZE);
    return value && Math.max(MIN_MESSAGE_SIZE, readUint16(value));
  }

  /** 60, e.g. "MSFT 5.0", "android-dhcp-14", "udhcp 1.36.1". */
  vendorClass(): string | undefined {
    return this.text(Option.VENDOR_CLASS);
  }

  /** 82 as received, to be echoed unchanged in the reply (RFC 3046 §2.2). */
  relayAgentInfo(): Uint8Array | undefined {
    return this.#values.get(Option.RELAY_AGENT_INFO);
  }
}

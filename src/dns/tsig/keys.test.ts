import { describe, expect, it } from 'vitest';
import type { DnsUpdateConfig } from '../update/config.ts';
import { decodeSecret, loadTsigKeys, parseKeyStatements } from './keys.ts';
import type { TsigKeyring } from './keyring.ts';

type KeyConfig = DnsUpdateConfig['keys'][number];

const SECRET = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
const SECRET_BYTES = new Uint8Array(Buffer.from(SECRET, 'base64'));

// As tsig-keygen writes it, and ddns-confgen with its instructions around.
const KEYGEN_FILE = `key "ddns-key" {\n\talgorithm hmac-sha512;\n\tsecret "${SECRET}";\n};\n`;
const CONFGEN_FILE = `# To activate this key, place the following in named.conf, and
# in a separate keyfile on the system or systems from which nsupdate
// will be run:
key "ddns-key" {
	algorithm hmac-sha256; /* the default */
	secret "${SECRET}";
};
update-policy {
	  grant ddns-key zonesub ANY;
};
`;

function entry(fields: Partial<KeyConfig>): KeyConfig {
  return { name: 'ddns-key', algorithm: 'hmac-sha256', zones: ['home.lan'], ...fields };
}

function load(keys: KeyConfig[], files: Record<string, string> = {}) {
  return loadTsigKeys({ keys }, (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  });
}

function keyring(keys: KeyConfig[], files: Record<string, string> = {}): TsigKeyring {
  const result = load(keys, files);
  if (result.errors.length > 0) throw new Error(result.errors.join('\n'));
  return result.keyring;
}

function errors(keys: KeyConfig[], files: Record<string, string> = {}): readonly string[] {
  const result = load(keys, files);
  return result.errors;
}

describe('dns_update.keys', () => {
  it('one broken key is reported and left out; the others keep working', () => {
    const result = load([entry({ name: 'broken', secret_file: '/etc/hearth/missing.key' }), entry({ name: 'good', secret: SECRET })]);
    expect(result.errors).toEqual([expect.stringMatching(/^dns_update.keys\[0\]/)]);
    expect(result.keyring.findKey('good')).toBeDefined();
    expect(result.keyring.findKey('broken')).toBeUndefined();
  });

  it('a key with an inline secret is found by its name, in any case', () => {
    const ring = keyring([entry({ name: 'DDNS-Key.', secret: SECRET })]);
    expect(ring.findKey('ddns-key')).toEqual({ name: 'ddns-key', algorithm: 'hmac-sha256', secret: SECRET_BYTES });
    expect(ring.findKey('other-key')).toBeUndefined();
  });

  it('a key may change only the zones listed for it', () => {
    const ring = keyring([entry({ secret: SECRET, zones: ['home.lan', 'Guest.Lan.'] }), entry({ name: 'nothing', secret: SECRET, zones: [] })]);
    const key = ring.findKey('ddns-key')!;
    expect(ring.mayUpdate(key, 'home.lan')).toBe(true);
    expect(ring.mayUpdate(key, 'guest.lan')).toBe(true);
    expect(ring.mayUpdate(key, 'iot.home.lan')).toBe(false);
    expect(ring.mayUpdate(key, 'lan')).toBe(false);
    expect(ring.mayUpdate(ring.findKey('nothing')!, 'home.lan')).toBe(false);
  });

  it('reads the key statement tsig-keygen writes', () => {
    const ring = keyring([entry({ algorithm: 'hmac-sha512', secret_file: '/etc/hearth/ddns.key' })], { '/etc/hearth/ddns.key': KEYGEN_FILE });
    expect(ring.findKey('ddns-key')).toEqual({ name: 'ddns-key', algorithm: 'hmac-sha512', secret: SECRET_BYTES });
  });

  it('reads ddns-confgen output, comments and all', () => {
    const ring = keyring([entry({ secret_file: 'ddns.conf' })], { 'ddns.conf': CONFGEN_FILE });
    expect(ring.findKey('ddns-key')?.secret).toEqual(SECRET_BYTES);
  });

  it('reads a file holding just the base64 secret', () => {
    expect(keyring([entry({ secret_file: 'secret' })], { secret: `${SECRET}\n` }).findKey('ddns-key')?.secret).toEqual(SECRET_BYTES);
  });

  it('names the config key of each mistake', () => {
    expect(
      errors(
        [
          entry({ secret: 'not base64!' }),
          entry({ name: 'b', secret_file: 'missing.key' }),
          entry({ name: 'c', secret_file: 'other.key' }),
          entry({ name: 'ddns-key', secret_file: 'sha512.key' }),
          entry({ name: 'e', secret: SECRET, zones: ['bad..zone'] }),
          entry({ name: 'E', secret: SECRET }),
          entry({ name: 'f', secret_file: 'junk' }),
        ],
        { 'other.key': KEYGEN_FILE, 'sha512.key': KEYGEN_FILE, junk: 'hello, world' },
      ),
    ).toEqual([
      'dns_update.keys[0].secret: not a base64 secret',
      "dns_update.keys[1].secret_file: cannot read missing.key: ENOENT: no such file or directory, open 'missing.key'",
      'dns_update.keys[2].secret_file: other.key defines "ddns-key", not "c"',
      'dns_update.keys[3].secret_file: sha512.key gives key "ddns-key" algorithm hmac-sha512, the config hmac-sha256: make them agree',
      'dns_update.keys[4].zones[0]: empty label in "bad..zone"',
      'dns_update.keys[5].name: key "E" is defined twice',
      'dns_update.keys[6].secret_file: junk holds neither a key statement nor a base64 secret',
    ]);
  });

  it('no keys is an empty keyring, which finds nothing', () => {
    expect(keyring([]).findKey('ddns-key')).toBeUndefined();
  });
});

describe('BIND key statements', () => {
  it('reads unquoted names, the MD5 wire name, and several keys in one file', () => {
    expect(parseKeyStatements('key a { algorithm hmac-md5.sig-alg.reg.int; secret "AAAA"; }; key "b" { secret "BB//BB=="; };')).toEqual([
      { name: 'a', algorithm: 'hmac-md5.sig-alg.reg.int', secret: 'AAAA' },
      { name: 'b', algorithm: undefined, secret: 'BB//BB==' },
    ]);
  });

  it('takes the MD5 wire name as hmac-md5', () => {
    const file = 'key "old" { algorithm HMAC-MD5.SIG-ALG.REG.INT.; secret "AAAA"; };';
    expect(keyring([entry({ name: 'old', algorithm: 'hmac-md5', secret_file: 'old.key' })], { 'old.key': file }).findKey('old')?.algorithm).toBe('hmac-md5');
  });
});

describe('base64 secrets', () => {
  it('accepts padded standard base64, with line breaks', () => {
    expect(decodeSecret('AAEC\nAw==')).toEqual(new Uint8Array([0, 1, 2, 3]));
  });

  it.each(['', 'AAE', 'AA-_', 'AA=A', '****'])('refuses %j', (text) => {
    expect(decodeSecret(text)).toBeUndefined();
  });
});

// Lint: typescript-eslint's recommended rules, and the layers of
// ARCHITECTURE.md as import rules, so an import that runs the wrong way
// fails `npm test`. Keep the layer lists here in step with ARCHITECTURE.md.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The bottom layer: vocabulary every other layer may use. */
const BOTTOM = ['./src/values', './src/diagnostics', './src/net', './src/store', './src/observe/log.ts'];

/** Feature folders: each may use the bottom layer and dns's named interface, not each other. */
const FEATURES = ['dns', 'dhcp', 'ddns', 'ha', 'observe'];

/** dns/'s named interface for the other features: the DNS wire vocabulary (UPDATE too),
 *  TSIG, the upstream client, and the answered-query event observers read. */
const DNS_INTERFACE = [
  './name.ts',
  './record.ts',
  './message.ts',
  './reader.ts',
  './wire.ts',
  './tsig',
  './zones/rdata-text.ts',
  './update/message.ts',
  './upstream/message.ts',
  './upstream/udp.ts',
  './upstream/upstream.ts',
  './server.ts',
];

/** Above the features, in order: config assembles their sections; api and cli use all below; the top files compose. */
const TOP = ['./src/app.ts', './src/main.ts', './src/api-adapter.ts', './src/wiring.ts'];

const featureZones = FEATURES.flatMap((feature) =>
  FEATURES.filter((other) => other !== feature).map((other) => ({
    target: `./src/${feature}`,
    from: `./src/${other}`,
    except: other === 'dns' ? DNS_INTERFACE : other === 'observe' ? ['./log.ts'] : [],
    message: `features do not import each other (ARCHITECTURE.md): reach ${other}/ through a named interface or the composition layer`,
  })),
);

const layerZones = [
  {
    target: BOTTOM,
    from: './src',
    except: BOTTOM.map((path) => path.replace('./src/', './')),
    message: 'the bottom layer imports nothing above it (ARCHITECTURE.md)',
  },
  ...FEATURES.map((feature) => ({
    target: `./src/${feature}`,
    from: ['./src/config', './src/api', './src/cli', ...TOP],
    message: 'a feature imports only the bottom layer and named interfaces (ARCHITECTURE.md)',
  })),
  {
    target: './src/config',
    from: ['./src/api', './src/cli', ...TOP],
    except: ['./config.ts'],
    message: "config assembles the sections; it imports no layer above it but the API's own section (ARCHITECTURE.md)",
  },
  { target: './src/api', from: ['./src/cli', ...TOP], message: 'the API imports nothing above it (ARCHITECTURE.md)' },
  { target: './src/cli', from: ['./src/api', ...TOP], message: 'the CLI imports nothing above it (ARCHITECTURE.md)' },
];

export default tseslint.config(
  // dist/: src/ compiled by scripts/compile.ts for npm start, linted as src/.
  { ignores: ['node_modules/**', 'data/**', 'dist/**', '**/*.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      // no-cycle follows imports by parsing each file they reach: with these, .ts files too.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Product code never imports tests; tests beside the code may use test/support only.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [...layerZones, ...featureZones, { target: './src', from: './test', message: 'src/ never imports test/' }] },
      ],
    },
  },
  {
    files: ['src/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            ...featureZones,
            {
              target: './src',
              from: './test',
              except: ['./support'],
              message: 'tests beside the code use test/support/ only; tests that need more live in test/',
            },
          ],
        },
      ],
    },
  },
);

#!/usr/bin/env node
// Validate a Teams app manifest offline against the JSON schemas bundled in @microsoft/app-manifest.
//
// Usage: node tools/validate-manifest.mjs <path/to/manifest.json>
// Output (stdout): JSON {"errors": ["..."]}. Exit code: 0 = valid, 1 = errors, 2 = usage error.
//
// The manifest's `$schema` must point at https://developer.microsoft.com/json-schemas/teams/vX.Y/...; the schema is
// read from the package's build/json-schemas directory and handed to AppManifestUtils.validateAgainstSchema, so
// nothing is ever fetched (ManifestUtil.validateManifest and an unknown `$schema` would download it).
// Localization files named in `localizationInfo` and the icon files are checked too, relative to the manifest.
//
// Quirks of @microsoft/app-manifest 1.1.2 handled here:
//   * it requires `fs-extra` at runtime without declaring it (package.json lists it next to it);
//   * the bundled MicrosoftTeams.Localization.schema.json has patternProperties keys with an unescaped `]`
//     (e.g. `...\b([0-9]|...)\b]\.description$`), legal in a plain RegExp but rejected by AJV 8, which compiles
//     patterns with the `u` flag; such `]` are escaped before validation (same meaning: a literal `]`).

import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
let AppManifestUtils;
try {
  ({ AppManifestUtils } = require("@microsoft/app-manifest"));
} catch (err) {
  process.stderr.write(`validate-manifest: cannot load @microsoft/app-manifest (run make install): ${err.message}\n`);
  process.exit(2);
}

const SCHEMA_PREFIX = "https://developer.microsoft.com/json-schemas/teams/";
const PACKAGE_DIR = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
const BUNDLED_TEAMS_DIR = path.join(PACKAGE_DIR, "build", "json-schemas", "teams");

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
}

function loadBundledSchema(schemaUrl) {
  if (typeof schemaUrl !== "string" || !schemaUrl.startsWith(SCHEMA_PREFIX)) {
    throw new Error(`$schema must start with ${SCHEMA_PREFIX}, got ${JSON.stringify(schemaUrl)}`);
  }
  const relative = schemaUrl.slice(SCHEMA_PREFIX.length);
  const file = path.resolve(BUNDLED_TEAMS_DIR, relative);
  if (!file.startsWith(BUNDLED_TEAMS_DIR + path.sep) || !existsSync(file)) {
    throw new Error(`schema ${schemaUrl} is not bundled with @microsoft/app-manifest (refusing to fetch it)`);
  }
  // Same clean-up the package applies: some schemas contain \a and \v escapes that JSON does not allow.
  const raw = readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b");
  return escapeLoneBrackets(JSON.parse(raw));
}

// Escape `]` that does not close a character class, so that a non-unicode pattern also compiles with the `u` flag.
function unicodeSafePattern(pattern) {
  try {
    new RegExp(pattern, "u");
    return pattern;
  } catch {
    // fall through to the rewrite below
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      out += ch + (pattern[i + 1] ?? "");
      i++;
    } else if (ch === "[" && !inClass) {
      inClass = true;
      out += ch;
    } else if (ch === "]" && inClass) {
      inClass = false;
      out += ch;
    } else if (ch === "]") {
      out += "\\]";
    } else {
      out += ch;
    }
  }
  return out;
}

function escapeLoneBrackets(node) {
  if (Array.isArray(node)) {
    return node.map(escapeLoneBrackets);
  }
  if (node === null || typeof node !== "object") {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "patternProperties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([pattern, sub]) => [unicodeSafePattern(pattern), escapeLoneBrackets(sub)]),
      );
    } else if (key === "pattern" && typeof value === "string") {
      out[key] = unicodeSafePattern(value);
    } else {
      out[key] = escapeLoneBrackets(value);
    }
  }
  return out;
}

async function validateFile(file, label) {
  let doc;
  try {
    doc = readJson(file);
  } catch (err) {
    return [{ doc: undefined, errors: [`${label}: cannot read JSON: ${err.message}`] }];
  }
  let schema;
  try {
    schema = loadBundledSchema(doc.$schema);
  } catch (err) {
    return [{ doc, errors: [`${label}: ${err.message}`] }];
  }
  const errors = await AppManifestUtils.validateAgainstSchema(doc, schema);
  return [{ doc, errors: errors.map((e) => `${label}: ${e.trim()}`) }];
}

function relativeFileErrors(baseDir, relative, what) {
  if (typeof relative !== "string" || relative.length === 0) {
    return [];
  }
  const file = path.resolve(baseDir, relative);
  return existsSync(file) ? [] : [`${what} ${JSON.stringify(relative)} does not exist next to the manifest`];
}

async function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: node tools/validate-manifest.mjs <manifest.json>\n");
    return 2;
  }
  const manifestPath = path.resolve(argv[0]);
  const baseDir = path.dirname(manifestPath);
  const [{ doc: manifest, errors }] = await validateFile(manifestPath, path.basename(manifestPath));

  if (manifest && typeof manifest === "object") {
    errors.push(...relativeFileErrors(baseDir, manifest.icons?.color, "icons.color"));
    errors.push(...relativeFileErrors(baseDir, manifest.icons?.outline, "icons.outline"));
    const info = manifest.localizationInfo;
    const files = [];
    if (info?.defaultLanguageFile) {
      files.push(info.defaultLanguageFile);
    }
    for (const extra of info?.additionalLanguages ?? []) {
      if (extra?.file) {
        files.push(extra.file);
      }
    }
    for (const relative of files) {
      const missing = relativeFileErrors(baseDir, relative, "localization file");
      if (missing.length > 0) {
        errors.push(...missing);
        continue;
      }
      const [{ errors: locErrors }] = await validateFile(path.resolve(baseDir, relative), relative);
      errors.push(...locErrors);
    }
  }

  process.stdout.write(`${JSON.stringify({ errors }, null, 2)}\n`);
  return errors.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`validate-manifest: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);

#!/usr/bin/env node
// Validate Adaptive Cards offline with the official `adaptivecards` JS library (no DOM needed for parsing).
//
// Input (stdin): a JSON array of Adaptive Card objects.
// Output (stdout): JSON [{"index": i, "errors": ["..."]}] with one entry per card, in input order.
// Exit code: 0 = every card is clean, 1 = at least one card has errors, 2 = unusable input or crash.
//
// Checks, per card:
//   * top-level `type` is "AdaptiveCard" and `version` is exactly "1.5" (Teams caps at 1.5);
//   * parse events from AdaptiveCard.parse() with a SerializationContext targeting 1.5
//     (unknown or newer element/action types, invalid property values, ...);
//   * AdaptiveCard.validateProperties() failures (missing ids, duplicate ids, empty collections, ...);
//   * accessibility: every Input.* has a non-empty `label` and every Image has a non-empty `altText`,
//     searched recursively through containers, columns, ShowCard cards, fallbacks and select actions;
//   * every Action.Execute has a non-empty `verb` (the bot routes Universal Actions on it).
//
// The package's ESM build (lib/) uses extension-less imports that plain Node cannot resolve, so the UMD
// bundle in dist/ is loaded through createRequire. Parsing and validation never touch `document`/`window`.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
let AC;
try {
  AC = require("adaptivecards/dist/adaptivecards.js");
} catch (err) {
  process.stderr.write(`validate-cards: cannot load adaptivecards (run make install): ${err.message}\n`);
  process.exit(2);
}

const TARGET_VERSION = "1.5";
const EVENT_NAMES = Object.fromEntries(
  Object.entries(AC.ValidationEvent).filter(([, v]) => typeof v === "number").map(([k, v]) => [v, k]),
);

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nonEmptyString(value) {
  return typeof value === "string" && value.trim().length > 0;
}

function describeSource(source) {
  if (!source || typeof source.getJsonTypeName !== "function") {
    return "";
  }
  const typeName = source.getJsonTypeName();
  return source.id ? ` [${typeName} "${source.id}"]` : ` [${typeName}]`;
}

function formatEvent(event) {
  const name = EVENT_NAMES[event.event] ?? `event ${event.event}`;
  return `${name}: ${event.message}${describeSource(event.source)}`;
}

// Walk the raw JSON so that accessibility rules hold no matter how the library treats a node.
function checkRawRules(node, path, errors) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkRawRules(item, `${path}[${i}]`, errors));
    return;
  }
  if (!isObject(node)) {
    return;
  }
  const type = typeof node.type === "string" ? node.type : undefined;
  const where = `${path || "card"}${type ? ` (${type}${node.id ? ` "${node.id}"` : ""})` : ""}`;
  if (type && type.startsWith("Input.") && !nonEmptyString(node.label)) {
    errors.push(`${where}: input has no label (placeholders are not read by screen readers)`);
  }
  if (type === "Image" && !nonEmptyString(node.altText)) {
    errors.push(`${where}: image has no altText`);
  }
  if (type === "Action.Execute" && !nonEmptyString(node.verb)) {
    errors.push(`${where}: Action.Execute has no verb`);
  }
  for (const [key, value] of Object.entries(node)) {
    // `data` is the bot's own payload, never rendered: do not mistake its keys for elements.
    if (key === "data") {
      continue;
    }
    checkRawRules(value, path ? `${path}.${key}` : key, errors);
  }
}

function validateCard(json) {
  const errors = [];
  if (!isObject(json)) {
    return ["card is not a JSON object"];
  }
  if (json.type !== "AdaptiveCard") {
    errors.push(`type must be "AdaptiveCard", got ${JSON.stringify(json.type)}`);
  }
  if (json.version !== TARGET_VERSION) {
    errors.push(`version must be "${TARGET_VERSION}" (Teams), got ${JSON.stringify(json.version)}`);
  }

  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  try {
    card.parse(json, context);
  } catch (err) {
    errors.push(`parse failed: ${err instanceof Error ? err.message : String(err)}`);
    return errors;
  }
  for (let i = 0; i < context.eventCount; i++) {
    errors.push(formatEvent(context.getEventAt(i)));
  }
  const results = card.validateProperties();
  for (const event of results.validationEvents) {
    errors.push(formatEvent(event));
  }
  checkRawRules(json, "", errors);
  return errors;
}

function main() {
  let cards;
  try {
    cards = JSON.parse(readFileSync(0, "utf8"));
  } catch (err) {
    process.stderr.write(`validate-cards: stdin is not valid JSON: ${err.message}\n`);
    return 2;
  }
  if (!Array.isArray(cards)) {
    process.stderr.write("validate-cards: stdin must be a JSON array of Adaptive Card objects\n");
    return 2;
  }
  const report = cards.map((card, index) => ({ index, errors: validateCard(card) }));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.some((entry) => entry.errors.length > 0) ? 1 : 0;
}

process.exitCode = main();

#!/usr/bin/env node
// The JSON Schema of every TypeScript type js/types/contracts.json names, derived from the
// sources with ts-json-schema-generator (one TypeScript program for all of them), printed as
// {"types": {"file#Name": schema}}. tests/test_contracts.py runs it and validates what the
// kernel sends against the result; `npm run --silent contracts` shows it.
//
// Types are looked up in their own file, exported or not (the generator's expose "all"), so
// that two files may both call their widget's traits `Model`. Interfaces without an index
// signature get additionalProperties: false: a field no type declares is a contract error.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const tsj = require("ts-json-schema-generator");

const ROOT = path.resolve(__dirname, "..");
const MAP = path.join(ROOT, "js", "types", "contracts.json");

/** Every "file#Name" the map names (traits and messages of every widget). */
function namedTypes(map) {
  const names = new Set();
  for (const widget of Object.values(map.widgets)) {
    for (const name of widget.traits) names.add(name);
    if (widget.messages) names.add(widget.messages);
  }
  return [...names].sort();
}

/** The interface or type alias `name` declared at the top level of `source`. */
function declaration(source, name) {
  for (const statement of source.statements) {
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))
        && statement.name.text === name) {
      return statement;
    }
  }
  return null;
}

function main() {
  const map = JSON.parse(fs.readFileSync(MAP, "utf8"));
  const config = {
    ...tsj.DEFAULT_CONFIG,
    tsconfig: path.join(ROOT, "tsconfig.json"),
    expose: "all",
    topRef: true,
    jsDoc: "none",
    additionalProperties: false,
    skipTypeCheck: true, // `npm run typecheck` does that; here it would only cost time
    encodeRefs: false,
  };
  const program = tsj.createProgram(config);
  const generator = new tsj.SchemaGenerator(program, tsj.createParser(program, config),
    tsj.createFormatter(config), config);
  const types = {};
  const problems = [];
  for (const full of namedTypes(map)) {
    const [file, name] = full.split("#");
    const source = program.getSourceFile(path.join(ROOT, file));
    const node = source && declaration(source, name);
    if (!node) {
      problems.push(`${full}: no interface or type ${name} in ${file}`);
      continue;
    }
    types[full] = generator.createSchemaFromNodes([node]);
  }
  if (problems.length) {
    process.stderr.write(`${problems.join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ types }, null, 1)}\n`);
}

main();

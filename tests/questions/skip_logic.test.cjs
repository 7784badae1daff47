// The kiosk's skip-logic evaluator against the cases the Python evaluator passes too.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const cases = require("./skip_logic_cases.json");
const SkipLogic = require(path.join(__dirname, "..", "..", "survey", "static", "skip_logic.js"));

for (const item of cases) {
  test(item.name, () => {
    assert.equal(SkipLogic.evaluate(item.expression, item.answers), item.expected);
  });
}

test("an unknown operator is an error", () => {
  assert.throws(() => SkipLogic.evaluate({ op: "near", q: "a", value: 1 }, {}), /not a skip-logic expression/);
});

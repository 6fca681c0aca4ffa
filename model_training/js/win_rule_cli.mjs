// Runs static/js/win_rule.js for the parity test: reads {rule, cases: [{guesses, prompt}]} from the file
// named in argv[2]; writes {holds: [true | false, ...]} to argv[3].
import { readFileSync, writeFileSync } from "node:fs";
import { guessesHold } from "../../static/js/win_rule.js";

const { rule, cases } = JSON.parse(readFileSync(process.argv[2], "utf8"));
writeFileSync(process.argv[3], JSON.stringify({ holds: cases.map((c) => guessesHold(c.guesses, c.prompt, rule)) }));

/**
 * Runs real query-layer answers through the UI's runtime decoders (media/src/ui/decode.ts),
 * which check them against media/src/queryTypes.ts. Input: a JSON file mapping a decoder
 * name to the answers it must accept. Output (stdout): JSON mapping each decoder name to
 * the indexes of the answers it refused. Bundled with esbuild by test_ui_decode_real.py.
 */
import { readFileSync } from 'node:fs';
import * as D from '../../media/src/ui/decode';

const decoders: Record<string, (value: unknown) => boolean> = {
  isRunPage: D.isRunPage,
  isRunSummary: D.isRunSummary,
  isTimeline: D.isTimeline,
  isFailureReport: D.isFailureReport,
  isTaskList: D.isTaskList,
  isLogExcerpt: D.isLogExcerpt,
  isArtifactList: D.isArtifactList,
  isArtifactPreview: D.isArtifactPreview,
  isCardList: D.isCardList,
  isComparison: D.isComparison,
  isLineage: D.isLineage,
};

const file = process.argv[2];
if (file === undefined) throw new Error('usage: node ui_decode_check.cjs ANSWERS.json');
const answers = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>;
const refused: Record<string, number[]> = {};
for (const [name, values] of Object.entries(answers)) {
  const decoder = decoders[name];
  if (decoder === undefined) throw new Error(`no decoder named ${name}`);
  refused[name] = values.flatMap((value, index) => (decoder(value) ? [] : [index]));
}
process.stdout.write(JSON.stringify(refused));

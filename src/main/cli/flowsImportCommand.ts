import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { importFlows } from '../flows/importFlows';
import { RecordingStore } from '../store/RecordingStore';
import { EXIT } from './exitCodes';

const iso = (t: number) => new Date(t).toISOString();

/** `strata flows import FILE|- --db FILE`: prints what was imported, and the bad lines by number. */
export async function flowsImportCommand(file: string, db: string, stdin: Readable, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (file !== '-' && !existsSync(file)) {
    err.write(`strata: ${file} does not exist.\n`);
    return EXIT.failed;
  }
  if (file !== '-' && statSync(file).isDirectory()) {
    err.write(`strata: ${file} is a folder; pass the jsonpb file.\n`);
    return EXIT.failed;
  }
  const store = RecordingStore.open(db);
  try {
    const name = file === '-' ? 'standard input' : file;
    const report = await importFlows(file === '-' ? stdin : createReadStream(file), name, store);
    out.write(`Imported ${report.flows} flows (${report.counted} counted, replies aside) from ${name} into ${db}: ${report.buckets} buckets${report.span ? ` from ${iso(report.span.from)} to ${iso(report.span.to)}` : ''}.\n`);
    for (const notice of report.notices.filter((n) => n.kind === 'lost-events')) err.write(`strata: warning: ${notice.message}\n`);
    if (report.badLines > 0) {
      err.write(`strata: ${report.badLines} of ${report.lines} lines were skipped:\n`);
      for (const bad of report.firstBad) err.write(`  line ${bad.line}: ${bad.reason}\n`);
      if (report.badLines > report.firstBad.length) err.write(`  … and ${report.badLines - report.firstBad.length} more\n`);
      return EXIT.partialInput;
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

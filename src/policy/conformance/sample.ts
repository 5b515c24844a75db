import { type CaseRef, folderOf, listCaseFiles, loadCaseFile } from './cases.js';

/** One feature folder of the cases directory and the case chosen to stand for it, if any. */
export interface FolderSample {
  folder: string;
  /** Absent when every case of the folder is excluded (for example all known refusals). */
  ref?: CaseRef;
}

/**
 * One case per feature folder, for the quick conformance check in `npm test`: the first case in
 * sorted (file, index) order that `excluded` does not reject. The folders are read from the
 * directory, so a new folder is sampled without any list to update; a folder's later files are not
 * even parsed once its case is found.
 */
export async function sampleByFolder(casesDir: string, excluded: (ref: CaseRef) => boolean): Promise<FolderSample[]> {
  const samples = new Map<string, FolderSample>();
  for (const file of await listCaseFiles(casesDir)) {
    const folder = folderOf(file);
    const sample = samples.get(folder) ?? { folder };
    samples.set(folder, sample);
    if (sample.ref) continue;
    const cases = await loadCaseFile(casesDir, file);
    const index = cases.findIndex((c, i) => !excluded({ file, index: i, note: String(c.note), folder }));
    if (index >= 0) sample.ref = { file, index, note: String(cases[index]!.note), folder };
  }
  return [...samples.values()];
}

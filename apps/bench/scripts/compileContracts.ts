/** Regenerates `src/contracts/artifacts.ts` from `contracts/*.sol`: `node scripts/compileContracts.ts`. */
import { writeFileSync } from "node:fs";
import { compileContracts, renderArtifactsModule } from "../src/contracts/compile.ts";

const target = new URL("../src/contracts/artifacts.ts", import.meta.url);
writeFileSync(target, renderArtifactsModule(compileContracts()));
process.stderr.write(`wrote ${target.pathname}\n`);

import { promises as fs, readFileSync } from 'fs';
import { readShardModel, shardExpectation, shardMaximization, startOverShards, type ShardModel } from '../../app/shards';
import { fileError } from '../../io/read';
import { EXIT_OK, type CliIO } from '../io';
import { writeFileWhole, writeOutput } from '../output';
import type { EStepCommand, MStepCommand, StartCommand } from '../validate';

/** A file's bytes, or one error line naming it. */
async function bytesOf(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw fileError(file, err);
  }
}

async function modelOf(file: string): Promise<ShardModel> {
  return readShardModel(await bytesOf(file), file);
}

/** `gmm-fit start --k K SHARD… --out MODEL`: the model of iteration 0. */
export async function startCommand(request: StartCommand, io: CliIO): Promise<number> {
  const document = await startOverShards(request.shards, request.start, io.stdin);
  await writeOutput(io, request.out, JSON.stringify(document) + '\n');
  if (!request.quiet) {
    const plan = document.distributed as { rows: number; shards: unknown[]; baseline?: { epochs: number } };
    const where = request.out === '-' ? '' : ` in ${request.out}`;
    const what = plan.baseline ? `the bias baseline first (${plan.baseline.epochs} passes, then one for the mixture's start)${where}` : `iteration 0${where}`;
    io.stderr.write(`gmm-fit: started ${String(document.model)} K=${String(document.k)} over ${plan.shards.length} shards (${plan.rows} rows): ${what}\n`);
  }
  return EXIT_OK;
}

/** `gmm-fit estep -m MODEL SHARD --stats OUT`: one shard's statistics, written whole. */
export async function estepCommand(request: EStepCommand, io: CliIO): Promise<number> {
  const model = await modelOf(request.modelFile);
  const { bytes, header } = await shardExpectation(model, request.shard, request.read, io.stdin);
  await writeFileWhole(request.stats, bytes, '--stats');
  if (!request.quiet) {
    const pass = model.stage === 'baseline' ? `the baseline's epoch ${model.plan.baseline!.epoch + 1} of ${model.plan.baseline!.epochs}` : model.stage === 'start' ? "the mixture's start" : `iteration ${model.plan.iteration + 1}: log-likelihood ${header.logLikelihood}`;
    io.stderr.write(`gmm-fit: shard ${header.shard.index + 1} of ${model.plan.shards.length} (${header.shard.rows} rows), ${pass}\n`);
  }
  return EXIT_OK;
}

/** `gmm-fit mstep -m MODEL STATS… --out NEW`: the M-step; prints continue, or why the fit stopped. */
export async function mstepCommand(request: MStepCommand, io: CliIO): Promise<number> {
  const model = await modelOf(request.modelFile);
  // Each file read when the M-step comes to it, so that only one is held at a time.
  function* stats(): Generator<{ source: string; bytes: Buffer }> {
    for (const file of request.stats) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw fileError(file, err);
      }
      yield { source: file, bytes };
    }
  }
  const result = shardMaximization(model, stats());
  await writeOutput(io, request.out, JSON.stringify(result.document) + '\n');
  if (!request.quiet) {
    const floor = result.flooredVariances > 0 ? `; the floor ${model.settings.minVar} held up ${result.flooredVariances} variances` : '';
    const baseline = model.plan.baseline;
    const step =
      result.stage === 'baseline'
        ? `the baseline's epoch ${result.epoch} of ${baseline!.epochs}`
        : result.stage === 'start'
          ? `the mixture's start on the residuals of the baseline`
          : `iteration ${result.iteration}: log-likelihood ${result.logLikelihood}`;
    io.stderr.write(`gmm-fit: ${step} over ${result.shards} shards (${result.verdict})${floor}\n`);
  }
  (request.out === '-' ? io.stderr : io.stdout).write(`${result.verdict}\n`);
  return EXIT_OK;
}

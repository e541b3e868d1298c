#!/usr/bin/env node
// Produces reference outputs of TF.js graph models on the pure-JS CPU backend,
// for the C# parity tests of the TF.js -> ONNX importer.
//
// Usage: node tfjs-reference.mjs [--verbose] job.json
//
// job.json:
//   {"cases":[{"model":"/abs/model.json","input":"/abs/input.f32","shape":[1,64,64,3],
//              "outputs":["Identity","Identity_1"],"result":"/abs/result.json"}]}
//
// - model:   TF.js graph model (model.json); its weight shards (weightsManifest[].paths)
//            are read from the same folder. Nothing is fetched over the network.
// - input:   raw little-endian float32 values; count must equal the product of shape.
// - outputs: graph node names (a ":0" suffix is accepted too); empty or missing = model.outputs.
// - result:  written as {"backend","tfjsVersion","outputs":{"<name>":{"shape","dtype","data"}}}.
//            Non-finite values are written as the strings "NaN", "Infinity", "-Infinity".
//
// Exit code 0 on success; 1 with a message on stderr on any error; 2 on bad usage.
// With --verbose, per-case load/execute timings go to stderr. Nothing is printed to stdout.

import { createRequire } from 'node:module';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);

class JobError extends Error {}

function fail(message) {
  throw new JobError(message);
}

async function readFileOrFail(file, what) {
  try {
    return await readFile(file);
  } catch (e) {
    fail(`cannot read ${what} '${file}': ${e.code ?? e.message}`);
  }
}

async function readJsonOrFail(file, what) {
  const buf = await readFileOrFail(file, what);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    fail(`${what} '${file}' is not valid JSON: ${e.message}`);
  }
}

/** Builds an in-memory tf.io.IOHandler from model.json and its weight shards on disk. */
async function localGraphModelHandler(modelPath) {
  const modelJson = await readJsonOrFail(modelPath, 'model file');
  if (modelJson.modelTopology == null) {
    fail(`model file '${modelPath}' has no modelTopology`);
  }
  const manifest = modelJson.weightsManifest ?? [];
  const dir = path.dirname(modelPath);
  const weightSpecs = [];
  const shards = [];
  for (const group of manifest) {
    weightSpecs.push(...(group.weights ?? []));
    for (const p of group.paths ?? []) {
      shards.push(await readFileOrFail(path.resolve(dir, p), `weight shard of '${modelPath}'`));
    }
  }
  const total = shards.reduce((n, b) => n + b.length, 0);
  const weightData = new ArrayBuffer(total);
  const view = new Uint8Array(weightData);
  let offset = 0;
  for (const b of shards) {
    view.set(b, offset);
    offset += b.length;
  }
  const artifacts = {
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    signature: modelJson.signature,
    userDefinedMetadata: modelJson.userDefinedMetadata,
  };
  if (modelJson.modelInitializer != null) artifacts.modelInitializer = modelJson.modelInitializer;
  return { load: async () => artifacts };
}

function checkShape(shape, where) {
  if (!Array.isArray(shape) || shape.length === 0 ||
      !shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail(`${where}: "shape" must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

async function readInput(file, shape, where) {
  const count = checkShape(shape, where);
  const buf = await readFileOrFail(file, 'input file');
  if (buf.length % 4 !== 0) {
    fail(`${where}: input file '${file}' is ${buf.length} bytes, not a multiple of 4 (float32)`);
  }
  const n = buf.length / 4;
  if (n !== count) {
    fail(`${where}: input file '${file}' holds ${n} float32 values but shape ` +
         `${JSON.stringify(shape)} needs ${count}`);
  }
  const values = new Float32Array(n);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < n; i++) values[i] = dv.getFloat32(i * 4, true);
  return values;
}

function jsonNumber(v) {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

async function runCase(tf, c, index, verbose) {
  const where = `case ${index}`;
  if (c == null || typeof c !== 'object') fail(`${where}: not an object`);
  for (const key of ['model', 'input', 'result']) {
    if (typeof c[key] !== 'string' || c[key] === '') fail(`${where}: "${key}" must be a non-empty string`);
  }
  if (c.outputs != null && (!Array.isArray(c.outputs) || !c.outputs.every((o) => typeof o === 'string'))) {
    fail(`${where}: "outputs" must be an array of strings`);
  }

  const values = await readInput(c.input, c.shape, where);

  const t0 = performance.now();
  let model;
  try {
    model = await tf.loadGraphModel(await localGraphModelHandler(c.model));
  } catch (e) {
    if (e instanceof JobError) throw e;
    fail(`${where}: cannot load graph model '${c.model}': ${e.message}`);
  }
  const t1 = performance.now();

  const requested = c.outputs && c.outputs.length > 0 ? c.outputs : model.outputs.map((o) => o.name);
  const input = tf.tensor(values, c.shape, 'float32');
  let result;
  let mode = 'execute';
  try {
    try {
      result = model.execute(input, requested);
    } catch (e) {
      if (!/executeAsync|dynamic/i.test(String(e.message))) throw e;
      mode = 'executeAsync';
      result = await model.executeAsync(input, requested);
    }
  } catch (e) {
    input.dispose();
    model.dispose();
    fail(`${where}: executing '${c.model}' for outputs ${JSON.stringify(requested)} failed: ${e.message}`);
  }
  const tensors = Array.isArray(result) ? result : [result];
  const outputs = {};
  for (let i = 0; i < requested.length; i++) {
    const t = tensors[i];
    const data = await t.data();
    outputs[requested[i]] = { shape: t.shape, dtype: t.dtype, data: Array.from(data, jsonNumber) };
  }
  const t2 = performance.now();
  tf.dispose(tensors);
  input.dispose();
  model.dispose();

  const doc = { backend: tf.getBackend(), tfjsVersion: tf.version.tfjs, outputs };
  try {
    await mkdir(path.dirname(path.resolve(c.result)), { recursive: true });
    await writeFile(c.result, JSON.stringify(doc) + '\n');
  } catch (e) {
    fail(`${where}: cannot write result '${c.result}': ${e.code ?? e.message}`);
  }
  if (verbose) {
    const shapes = Object.entries(outputs).map(([k, v]) => `${k}${JSON.stringify(v.shape)}`).join(' ');
    process.stderr.write(`${path.basename(c.model)}: load ${(t1 - t0).toFixed(0)} ms, ${mode} ` +
                         `${(t2 - t1).toFixed(0)} ms; ${shapes}\n`);
  }
}

async function main(argv) {
  const args = argv.slice(2);
  const verbose = args.includes('--verbose');
  const rest = args.filter((a) => a !== '--verbose');
  if (rest.length !== 1) {
    process.stderr.write('usage: node tfjs-reference.mjs [--verbose] job.json\n');
    return 2;
  }
  const job = await readJsonOrFail(rest[0], 'job file');
  if (job == null || !Array.isArray(job.cases)) fail(`job file '${rest[0]}' has no "cases" array`);

  const tf = require('@tensorflow/tfjs');
  // PROD mode silences tfjs' console.warn notices, e.g. the CPU backend's
  // "looks like you are running TensorFlow.js in Node.js" banner.
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('cpu'))) fail("cannot set the TF.js backend to 'cpu'");
  await tf.ready();
  if (tf.getBackend() !== 'cpu') fail(`backend is '${tf.getBackend()}', expected 'cpu'`);

  for (let i = 0; i < job.cases.length; i++) {
    try {
      await runCase(tf, job.cases[i], i, verbose);
    } catch (e) {
      if (!(e instanceof JobError) || e.message.startsWith('case ')) throw e;
      fail(`case ${i}: ${e.message}`);
    }
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv);
} catch (e) {
  process.stderr.write(`tfjs-reference: error: ${e instanceof JobError ? e.message : (e?.stack ?? e)}\n`);
  process.exitCode = 1;
}

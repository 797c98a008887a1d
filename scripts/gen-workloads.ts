/**
 * Writes the workload files in models/workloads/ (run: npx ts-node --transpile-only
 * scripts/gen-workloads.ts). Layer shapes follow the public model definitions cited in each
 * file's `source`; modelling shortcuts are stated in the file's `note` or the layer's `note`.
 * At the end every file is loaded back through loadWorkload and its MAC and weight totals are
 * compared with the published figures (exit code 1 when one is off by more than 10%).
 *
 * Conventions: BatchNorm and activations are folded into the preceding conv/fc (they add no
 * layer); biases are not counted as weights; nearest-neighbour upsampling and concatenation are
 * free (the consumer lists all producers as inputs and reads the upsampled size).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadWorkload } from '../sim/input/workload';
import { fitPad, maestroTotals, MaestroNetwork, readXrbench } from './xrbench';
import { PUBLISHED } from './published';

const OUT_DIR = path.resolve(__dirname, '..', 'models', 'workloads');

// ---------------------------------------------------------------------------------------------
// Model builder
// ---------------------------------------------------------------------------------------------

type Pair = number | [number, number];
type Fields = Record<string, unknown>;

/** A feature map produced by the layers in `from` (several = a free channel concat; [] = model input). */
interface Fmap {
  from: string[];
  c: number;
  h: number;
  w: number;
}

/** A token sequence (tokens x features) produced by the layers in `from`. */
interface Seq {
  from: string[];
  tokens: number;
  features: number;
}

class Model {
  readonly layers: Fields[] = [];
  constructor(
    readonly name: string,
    readonly source: string,
    readonly note?: string,
    /** false: per-layer shapes that do not chain (MAESTRO-style lists); the loader skips that check. */
    readonly checkInputSizes = true,
  ) {}

  /** Appends a layer; `inputs` is written only when it differs from the loader's default. */
  add(name: string, op: string, from: string[], fields: Fields, note?: string): string {
    const prev = this.layers.length > 0 ? (this.layers[this.layers.length - 1].name as string) : undefined;
    const isDefault = prev === undefined ? from.length === 0 : from.length === 1 && from[0] === prev;
    const layer: Fields = { name, op };
    if (!isDefault) layer.inputs = from;
    Object.assign(layer, fields);
    if (note) layer.note = note;
    this.layers.push(layer);
    return name;
  }
}

const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);
/** A pair as written in JSON: a single number when both sides agree. */
const compact = (v: Pair): Pair => {
  const [a, b] = pairOf(v);
  return a === b ? a : [a, b];
};
const outSize = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;

/** inHeight/inWidth/kernel/stride/pad fields (defaults left out) and the output size. */
function window(x: Fmap, kernel: Pair, stride: Pair, pad: Pair): { fields: Fields; h: number; w: number } {
  const [kh, kw] = pairOf(kernel);
  const [sh, sw] = pairOf(stride);
  const [ph, pw] = pairOf(pad);
  const fields: Fields = { inHeight: x.h, inWidth: x.w, kernel: compact(kernel) };
  if (sh !== 1 || sw !== 1) fields.stride = compact(stride);
  if (ph !== 0 || pw !== 0) fields.pad = compact(pad);
  return { fields, h: outSize(x.h, kh, sh, ph), w: outSize(x.w, kw, sw, pw) };
}

/** "Same" padding for odd kernels. */
const samePad = (k: Pair): Pair => {
  const [kh, kw] = pairOf(k);
  return [Math.floor(kh / 2), Math.floor(kw / 2)];
};

interface ConvOpts {
  stride?: Pair;
  pad?: Pair;
  note?: string;
}

const input = (c: number, h: number, w: number): Fmap => ({ from: [], c, h, w });

function conv(m: Model, name: string, x: Fmap, outC: number, k: Pair, o: ConvOpts = {}): Fmap {
  const win = window(x, k, o.stride ?? 1, o.pad ?? samePad(k));
  m.add(name, 'conv2d', x.from, { inChannels: x.c, outChannels: outC, ...win.fields }, o.note);
  return { from: [name], c: outC, h: win.h, w: win.w };
}

function depthwise(m: Model, name: string, x: Fmap, k: Pair, o: ConvOpts = {}): Fmap {
  const win = window(x, k, o.stride ?? 1, o.pad ?? samePad(k));
  m.add(name, 'depthwise', x.from, { channels: x.c, ...win.fields }, o.note);
  return { from: [name], c: x.c, h: win.h, w: win.w };
}

/** Depthwise-separable conv (MobileNetV1 block): depthwise kxk (stride s) + pointwise 1x1. */
function dwSeparable(m: Model, name: string, x: Fmap, outC: number, stride = 1, k = 3): Fmap {
  const d = depthwise(m, `${name}.dw`, x, k, { stride });
  return conv(m, `${name}.pw`, d, outC, 1);
}

function pool(m: Model, name: string, x: Fmap, k: Pair, stride: Pair, pad: Pair = 0, note?: string): Fmap {
  const win = window(x, k, stride, pad);
  m.add(name, 'pool', x.from, { channels: x.c, ...win.fields }, note);
  return { from: [name], c: x.c, h: win.h, w: win.w };
}

const globalAvgPool = (m: Model, name: string, x: Fmap): Fmap => pool(m, name, x, [x.h, x.w], 1);

/**
 * An input list cannot mix the model input ([]) with producer layers, so an eltwise operand that
 * is the model input (a residual around the first block) is dropped from `inputs`; `operands`
 * then keeps the vector-op count right.
 */
function eltwiseFields(elements: number, xs: { from: string[] }[]): Fields {
  const fields: Fields = { elements };
  if (xs.length > 1 && xs.some((x) => x.from.length === 0)) fields.operands = xs.length;
  return fields;
}

const modelInputNote = (xs: { from: string[] }[]): string | undefined =>
  xs.length > 1 && xs.some((x) => x.from.length === 0) ? 'one operand is the model input (not listed in inputs)' : undefined;

/** Element-wise sum of equally shaped feature maps (residual / skip add). */
function addMaps(m: Model, name: string, ...xs: Fmap[]): Fmap {
  const [a] = xs;
  if (xs.some((x) => x.c !== a.c || x.h !== a.h || x.w !== a.w)) throw new Error(`${m.name}/${name}: shape mismatch`);
  m.add(name, 'eltwise', xs.flatMap((x) => x.from), eltwiseFields(a.c * a.h * a.w, xs), modelInputNote(xs));
  return { from: [name], c: a.c, h: a.h, w: a.w };
}

/** Channel concat: free, the consumer reads every producer. */
function concat(...xs: Fmap[]): Fmap {
  const [a] = xs;
  if (xs.some((x) => x.h !== a.h || x.w !== a.w)) throw new Error('concat of different spatial sizes');
  return { from: xs.flatMap((x) => x.from), c: xs.reduce((s, x) => s + x.c, 0), h: a.h, w: a.w };
}

/** Nearest-neighbour upsampling: free, the consumer reads the upsampled size. */
const upsample = (x: Fmap, f = 2): Fmap => ({ ...x, h: x.h * f, w: x.w * f });

const flatten = (x: Fmap): Seq => ({ from: x.from, tokens: 1, features: x.c * x.h * x.w });

function fc(m: Model, name: string, x: Seq, out: number, note?: string): Seq {
  const fields: Fields = { inFeatures: x.features, outFeatures: out };
  if (x.tokens !== 1) fields.tokens = x.tokens;
  m.add(name, 'fc', x.from, fields, note);
  return { from: [name], tokens: x.tokens, features: out };
}

/** Vector op over a sequence (residual add + layernorm, softmax, ...). */
function seqEltwise(m: Model, name: string, xs: Seq[], note?: string): Seq {
  const [a] = xs;
  const fields = eltwiseFields(a.tokens * a.features, xs);
  m.add(name, 'eltwise', xs.flatMap((x) => x.from), fields, [note, modelInputNote(xs)].filter((n) => n).join('; '));
  return { from: [name], tokens: a.tokens, features: a.features };
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/** torchvision Bottleneck (ResNet v1.5: the stride sits on the 3x3 conv). */
function bottleneck(m: Model, name: string, x: Fmap, width: number, stride: number): Fmap {
  const out = width * 4;
  const a = conv(m, `${name}.conv1`, x, width, 1);
  const b = conv(m, `${name}.conv2`, a, width, 3, { stride });
  const c = conv(m, `${name}.conv3`, b, out, 1);
  const shortcut = stride !== 1 || x.c !== out ? conv(m, `${name}.downsample`, x, out, 1, { stride }) : x;
  return addMaps(m, `${name}.add`, c, shortcut);
}

/** Inception module widths: [1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5", pool proj]. */
type InceptionWidths = [number, number, number, number, number, number];

/** torchvision Inception block; branch 3 uses a 3x3 conv as torchvision does (paper: 5x5). */
function inceptionBlock(m: Model, name: string, x: Fmap, w: InceptionWidths): Fmap {
  const [c1, c3r, c3, c5r, c5, pp] = w;
  const b1 = conv(m, `${name}.branch1`, x, c1, 1);
  const b2 = conv(m, `${name}.branch2.1`, conv(m, `${name}.branch2.0`, x, c3r, 1), c3, 3);
  const b3 = conv(m, `${name}.branch3.1`, conv(m, `${name}.branch3.0`, x, c5r, 1), c5, 3);
  const b4 = conv(m, `${name}.branch4.1`, pool(m, `${name}.branch4.0`, x, 3, 1, 1), pp, 1);
  return concat(b1, b2, b3, b4);
}

/** Two 3x3 "same" convs (U-Net level). */
function doubleConv(m: Model, name: string, x: Fmap, c: number): Fmap {
  return conv(m, `${name}.conv2`, conv(m, `${name}.conv1`, x, c, 3), c, 3);
}

/**
 * U-Net 2x2 stride-2 up-convolution, written as its exact sub-pixel equivalent: a 1x1 conv2d
 * with 4*outC channels at the low resolution whose output is read as outC channels at 2x size.
 */
function upConv(m: Model, name: string, x: Fmap, outC: number): Fmap {
  const note =
    'ConvTranspose2d 2x2 stride 2 as its sub-pixel equivalent (1x1 conv to 4x channels + depth-to-space): same MACs and weights';
  conv(m, name, x, outC * 4, 1, { note });
  return { from: [name], c: outC, h: x.h * 2, w: x.w * 2 };
}

interface TransformerDims {
  hidden: number;
  heads: number;
  ffn: number;
}

/**
 * One transformer layer: Q, K, V projections, QK^T, softmax, attention x V, output
 * projection, residual add + layernorm, FFN (2 fc), residual add + layernorm.
 */
function transformerBlock(m: Model, p: string, x: Seq, d: TransformerDims): Seq {
  const t = x.tokens;
  const dh = d.hidden / d.heads;
  const q = fc(m, `${p}.q`, x, d.hidden);
  const k = fc(m, `${p}.k`, x, d.hidden);
  const v = fc(m, `${p}.v`, x, d.hidden);
  const qk = m.add(`${p}.qk`, 'matmul', [...q.from, ...k.from], { heads: d.heads, m: t, k: dh, n: t });
  const sm = m.add(`${p}.softmax`, 'eltwise', [qk], { elements: d.heads * t * t });
  const av = m.add(`${p}.av`, 'matmul', [sm, ...v.from], { heads: d.heads, m: t, k: t, n: dh });
  const proj = fc(m, `${p}.attn_out`, { from: [av], tokens: t, features: d.hidden }, d.hidden);
  const a = seqEltwise(m, `${p}.add_ln1`, [x, proj]);
  const f = fc(m, `${p}.ffn2`, fc(m, `${p}.ffn1`, a, d.ffn), d.hidden);
  return seqEltwise(m, `${p}.add_ln2`, [a, f]);
}

// ---------------------------------------------------------------------------------------------
// Data-centre models
// ---------------------------------------------------------------------------------------------

function resnet50(): Model {
  const m = new Model(
    'resnet50',
    'torchvision.models.resnet50 (ResNet-50 v1.5: stride on the 3x3 conv); He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, arXiv:1512.03385',
    '224x224x3 input. BatchNorm/ReLU folded into the convs; residual adds are two-input eltwise layers.',
  );
  let x = conv(m, 'conv1', input(3, 224, 224), 64, 7, { stride: 2, pad: 3 });
  x = pool(m, 'maxpool', x, 3, 2, 1);
  const stages: [number, number, number][] = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  stages.forEach(([width, blocks, stride], i) => {
    for (let b = 0; b < blocks; b++) x = bottleneck(m, `layer${i + 1}.${b}`, x, width, b === 0 ? stride : 1);
  });
  x = globalAvgPool(m, 'avgpool', x);
  fc(m, 'fc', flatten(x), 1000);
  return m;
}

function googlenet(): Model {
  const m = new Model(
    'googlenet',
    'torchvision.models.googlenet (aux_logits=False, transform_input off; its "5x5" branch uses a 3x3 conv); Szegedy et al., "Going Deeper with Convolutions", CVPR 2015, arXiv:1409.4842',
    '224x224x3 input, no auxiliary classifiers. Concatenation is free: the layers after a module list all four branch outputs as inputs. torchvision pools with ceil_mode=True; here pad 1 gives the same output sizes.',
  );
  const ceilNote = 'ceil_mode=True in torchvision; pad 1 gives the same output size';
  let x = conv(m, 'conv1', input(3, 224, 224), 64, 7, { stride: 2, pad: 3 });
  x = pool(m, 'maxpool1', x, 3, 2, 1, ceilNote);
  x = conv(m, 'conv2', x, 64, 1);
  x = conv(m, 'conv3', x, 192, 3);
  x = pool(m, 'maxpool2', x, 3, 2, 1, ceilNote);
  x = inceptionBlock(m, 'inception3a', x, [64, 96, 128, 16, 32, 32]);
  x = inceptionBlock(m, 'inception3b', x, [128, 128, 192, 32, 96, 64]);
  x = pool(m, 'maxpool3', x, 3, 2, 1, ceilNote);
  x = inceptionBlock(m, 'inception4a', x, [192, 96, 208, 16, 48, 64]);
  x = inceptionBlock(m, 'inception4b', x, [160, 112, 224, 24, 64, 64]);
  x = inceptionBlock(m, 'inception4c', x, [128, 128, 256, 24, 64, 64]);
  x = inceptionBlock(m, 'inception4d', x, [112, 144, 288, 32, 64, 64]);
  x = inceptionBlock(m, 'inception4e', x, [256, 160, 320, 32, 128, 128]);
  x = pool(m, 'maxpool4', x, 2, 2);
  x = inceptionBlock(m, 'inception5a', x, [256, 160, 320, 32, 128, 128]);
  x = inceptionBlock(m, 'inception5b', x, [384, 192, 384, 48, 128, 128]);
  x = globalAvgPool(m, 'avgpool', x);
  fc(m, 'fc', flatten(x), 1000);
  return m;
}

function unet(size = 256): Model {
  const m = new Model(
    size === 256 ? 'unet' : `unet_${size}`,
    'Ronneberger et al., "U-Net: Convolutional Networks for Biomedical Image Segmentation", MICCAI 2015, arXiv:1505.04597 (widths 64-1024, 2x2 up-convolutions, 2-class 1x1 output)',
    `Variant with a ${size}x${size}x1 input and padding=1 ("same") 3x3 convs, so skips need no cropping (as in common PyTorch re-implementations). Each 2x2 stride-2 transposed conv is modelled by its exact sub-pixel equivalent: a 1x1 conv2d to 4x the output channels at the low resolution (same MACs and weights), read by the decoder as the upsampled map. Skip concatenations are free: the first decoder conv lists the encoder output and the up-conv as inputs.`,
  );
  const widths = [64, 128, 256, 512];
  const skips: Fmap[] = [];
  let x = input(1, size, size);
  widths.forEach((c, i) => {
    x = doubleConv(m, `enc${i + 1}`, x, c);
    skips.push(x);
    x = pool(m, `pool${i + 1}`, x, 2, 2);
  });
  x = doubleConv(m, 'bottleneck', x, 1024);
  for (let i = widths.length - 1; i >= 0; i--) {
    const up = upConv(m, `up${i + 1}`, x, widths[i]);
    x = doubleConv(m, `dec${i + 1}`, concat(skips[i], up), widths[i]);
  }
  conv(m, 'out', x, 2, 1);
  return m;
}

const BERT_NOTE =
  'Token/position/segment embeddings (lookup + layernorm) are not modelled: the first layer reads the embedded sequence as model input. GELU is folded into ffn1. Each add_ln is residual add + layernorm as one two-input eltwise layer.';

/** A BERT encoder (sequence length 128) with the HuggingFace config of `variant`. */
function bert(variant: 'base' | 'large', d: TransformerDims & { layers: number }): Model {
  const m = new Model(
    `bert_${variant}`,
    `Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", NAACL 2019, arXiv:1810.04805; HuggingFace bert-${variant}-uncased config.json (hidden_size ${d.hidden}, num_hidden_layers ${d.layers}, num_attention_heads ${d.heads}, intermediate_size ${d.ffn})`,
    `Encoder only, sequence length 128. ${BERT_NOTE} The pooler is not modelled.`,
  );
  let x: Seq = { from: [], tokens: 128, features: d.hidden };
  for (let l = 0; l < d.layers; l++) x = transformerBlock(m, `enc${l}`, x, d);
  return m;
}

const bertLarge = () => bert('large', { hidden: 1024, layers: 24, heads: 16, ffn: 4096 });
const bertBase = () => bert('base', { hidden: 768, layers: 12, heads: 12, ffn: 3072 });

function gptLarge(): Model {
  const m = new Model(
    'gpt_l',
    'Radford et al., "Language Models are Unsupervised Multitask Learners" (GPT-2), OpenAI 2019; HuggingFace gpt2-large config.json (n_embd 1280, n_layer 36, n_head 20, n_inner 4*1280 = 5120, vocab_size 50257)',
    'Prefill of a 128-token prompt (the full causal QK^T is computed, then masked). GPT-2 is pre-LN: each add_ln is the residual add plus the layernorm that feeds the next sub-layer (the last one includes ln_f). Token/position embedding lookup is not modelled; GELU is folded into ffn1.',
  );
  let x: Seq = { from: [], tokens: 128, features: 1280 };
  for (let l = 0; l < 36; l++) x = transformerBlock(m, `h${l}`, x, { hidden: 1280, heads: 20, ffn: 5120 });
  fc(m, 'lm_head', x, 50257, 'weights tied with the token embedding wte (50257 x 1280)');
  return m;
}

// ---------------------------------------------------------------------------------------------
// AR/VR models (XRBench-style tasks; Kwon et al., MLSys 2023)
// ---------------------------------------------------------------------------------------------

function handTracking(): Model {
  const m = new Model(
    'hand_tracking',
    'XRBench (Kwon et al., MLSys 2023) hand tracking task; palm detector in the style of BlazePalm (Bazarevsky et al., "MediaPipe Hands", arXiv:2006.10214): SSD single-shot heads (Liu et al., ECCV 2016) on a MobileNetV1 depthwise-separable backbone (Howard et al., arXiv:1704.04861)',
    'Representative, not a published checkpoint: 256x256x3 input, MobileNetV1-style backbone, SSD heads at 16x16 (2 anchors) and 8x8 (6 anchors); each anchor has 1 score and 18 regressors (box + 7 keypoints).',
  );
  let x = conv(m, 'conv0', input(3, 256, 256), 32, 3, { stride: 2 });
  const blocks: [number, number][] = [
    [32, 1], // 128x128
    [64, 2], // 64x64
    [128, 2], // 32x32
    [128, 1],
    [256, 2], // 16x16
    [256, 1],
  ];
  blocks.forEach(([c, s], i) => {
    x = dwSeparable(m, `ds${i + 1}`, x, c, s);
  });
  const f16 = x;
  const f8 = dwSeparable(m, `ds${blocks.length + 1}`, f16, 256, 2);
  conv(m, 'head16.cls', f16, 2 * 1, 3);
  conv(m, 'head16.reg', f16, 2 * 18, 3);
  conv(m, 'head8.cls', f8, 6 * 1, 3);
  conv(m, 'head8.reg', f8, 6 * 18, 3);
  return m;
}

function eyeSegmentation(): Model {
  const m = new Model(
    'eye_segmentation',
    'XRBench (Kwon et al., MLSys 2023) eye segmentation task; simplified RITNet (Chaudhary et al., "RITNet: Real-time Semantic Segmentation of the Eye for Gaze Tracking", ICCVW 2019, arXiv:1910.00694) on the OpenEDS 400x640 grayscale input',
    'RITNet-like: 5 down blocks of 32 channels (2x2 avg pool, 3x3 conv, 3x3 conv over the dense concat of block input and first conv; RITNet has 5 convs per block), 4 up blocks (nearest 2x upsample + skip concat, 1x1 then 3x3 conv), 1x1 conv to 4 classes (background, sclera, iris, pupil). Upsampling and concatenation are free.',
  );
  const C = 32;
  const skips: Fmap[] = [];
  let x = input(1, 400, 640);
  for (let i = 1; i <= 5; i++) {
    if (i > 1) x = pool(m, `down${i}.pool`, x, 2, 2);
    const a = conv(m, `down${i}.conv1`, x, C, 3);
    // Dense connection: the second conv also sees the block input (not for the raw image).
    x = conv(m, `down${i}.conv2`, i > 1 ? concat(x, a) : a, C, 3);
    skips.push(x);
  }
  for (let i = 4; i >= 1; i--) {
    const cat = concat(skips[i - 1], upsample(x));
    x = conv(m, `up${i}.conv2`, conv(m, `up${i}.conv1`, cat, C, 1), C, 3);
  }
  conv(m, 'out', x, 4, 1);
  return m;
}

function depthEstimation(): Model {
  const m = new Model(
    'depth_estimation',
    'FastDepth (Wofk et al., "FastDepth: Fast Monocular Depth Estimation on Embedded Systems", ICRA 2019, arXiv:1903.03273), unpruned MobileNet-NNConv5 with depthwise-separable decoder and additive skips; XRBench (Kwon et al., MLSys 2023) depth estimation task',
    '224x224x3 input. Encoder: MobileNetV1 (conv0 + 13 depthwise-separable blocks) to 7x7x1024. Decoder: 5 x (5x5 depthwise + 1x1 pointwise, then free nearest 2x upsampling), additive skips from encoder blocks 1, 3 and 5 after decoder stages 4, 3 and 2, and a 1x1 conv to one depth channel at 224x224.',
  );
  let x = conv(m, 'conv0', input(3, 224, 224), 32, 3, { stride: 2 });
  const enc: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  const feats: Fmap[] = [];
  enc.forEach(([c, s], i) => {
    x = dwSeparable(m, `enc${i + 1}`, x, c, s);
    feats[i + 1] = x;
  });
  const skipAfter: Record<number, Fmap> = { 2: feats[5], 3: feats[3], 4: feats[1] };
  [512, 256, 128, 64, 32].forEach((c, i) => {
    const stage = i + 1;
    x = upsample(dwSeparable(m, `dec${stage}`, x, c, 1, 5));
    const skip = skipAfter[stage];
    if (skip) x = addMaps(m, `dec${stage}.skip_add`, x, skip);
  });
  conv(m, 'dec6', x, 1, 1);
  return m;
}

function keywordSpotting(): Model {
  const m = new Model(
    'keyword_spotting',
    'DS-CNN-M from Zhang et al., "Hello Edge: Keyword Spotting on Microcontrollers", arXiv:1711.07128 (ARM-software/ML-KWS-for-MCU, model_size_info 5 172 10 4 2 1 172 3 3 2 2 172 3 3 1 1 172 3 3 1 1 172 3 3 1 1); XRBench (Kwon et al., MLSys 2023) keyword detection task',
    '49x10 MFCC input (40 ms window, 20 ms stride, 10 coefficients), 172 channels (DS-CNN-M; DS-CNN-S uses 64 channels and a 2x2 first stride), 12 classes.',
  );
  // TF "same" padding of the 10x4 stride-(2,1) conv is 4/5 rows and 1/2 columns; the symmetric
  // pad of the IR gets the same 25x10 output with one extra zero column folded into inWidth.
  let x = conv(m, 'conv1', { from: [], c: 1, h: 49, w: 11 }, 172, [10, 4], {
    stride: [2, 1],
    pad: [5, 1],
    note: 'TF "same" padding is asymmetric (1 left, 2 right): one zero column is folded into inWidth 11',
  });
  const strides = [2, 1, 1, 1];
  strides.forEach((s, i) => {
    x = dwSeparable(m, `ds${i + 1}`, x, 172, s);
  });
  x = globalAvgPool(m, 'avgpool', x);
  fc(m, 'fc', flatten(x), 12);
  return m;
}

function objectDetection(): Model {
  const m = new Model(
    'object_detection',
    'YOLOv3-tiny (Redmon & Farhadi, "YOLOv3: An Incremental Improvement", arXiv:1804.02767; darknet cfg/yolov3-tiny.cfg), 416x416x3, COCO 80 classes; XRBench (Kwon et al., MLSys 2023) object detection task',
    'Two YOLO heads (13x13 and 26x26, 3 anchors x 85 outputs = 255 channels); the yolo decode layers are not modelled. The route to layer 8 and the 2x upsample are free (conv21 reads both).',
  );
  let x = input(3, 416, 416);
  const widths = [16, 32, 64, 128, 256];
  let route8 = x;
  widths.forEach((c, i) => {
    x = conv(m, `conv${2 * i}`, x, c, 3);
    if (c === 256) route8 = x;
    x = pool(m, `maxpool${2 * i + 1}`, x, 2, 2);
  });
  x = conv(m, 'conv10', x, 512, 3);
  // darknet's size-2 stride-1 maxpool pads one row/column at the bottom/right to keep 13x13.
  x = pool(m, 'maxpool11', { ...x, h: x.h + 1, w: x.w + 1 }, 2, 1, 0, 'darknet pads bottom/right by 1: modelled as a 14x14 input');
  x = conv(m, 'conv12', x, 1024, 3);
  const route13 = conv(m, 'conv13', x, 256, 1);
  conv(m, 'conv15', conv(m, 'conv14', route13, 512, 3), 255, 1);
  const up = upsample(conv(m, 'conv18', route13, 128, 1));
  x = conv(m, 'conv21', concat(up, route8), 256, 3);
  conv(m, 'conv22', x, 255, 1);
  return m;
}

function speechRecognition(): Model {
  const m = new Model(
    'speech_recognition',
    'XRBench (Kwon et al., MLSys 2023) speech recognition task (Emformer RNN-T: Shi et al., "Emformer: Efficient Memory Transformer Based Acoustic Model for Low Latency Streaming Speech Recognition", ICASSP 2021, arXiv:2010.10759); RNN-T: Graves, arXiv:1211.3711',
    'Scaled-down transformer transducer: a 2.56 s window of 256 80-dim log-mel frames, stacked 4x to 64 encoder frames, a 320->256 input projection, 4 transformer layers (hidden 256, 4 heads, FFN 1024), a 1-layer LSTM prediction network (hidden 256, 16 label steps; gates as one fc over [label embedding, previous h], the cell update as eltwise) and a joiner (projections to 256, add, fc to a 1024-token vocabulary) for one greedy hypothesis per frame. Emformer memory/right-context caching is not modelled.',
  );
  let x = fc(m, 'input_proj', { from: [], tokens: 64, features: 320 }, 256);
  for (let l = 0; l < 4; l++) x = transformerBlock(m, `enc${l}`, x, { hidden: 256, heads: 4, ffn: 1024 });
  const enc = x;
  const gates = fc(m, 'pred.lstm', { from: [], tokens: 16, features: 512 }, 4 * 256, 'LSTM gates: [label embedding 256, h 256] -> 4 x 256');
  const cell = 'pred.lstm_cell';
  m.add(cell, 'eltwise', gates.from, { elements: 16 * 256, operands: 5 }, 'gate sigmoid/tanh and cell update: 4 gates + previous cell state -> h');
  const je = fc(m, 'joint.enc_proj', enc, 256);
  const jp = fc(m, 'joint.pred_proj', { from: [cell], tokens: 16, features: 256 }, 256);
  const sum = seqEltwise(m, 'joint.add', [je, jp], 'encoder frame + prediction state (broadcast), then tanh');
  fc(m, 'joint.out', sum, 1024);
  return m;
}

// ---------------------------------------------------------------------------------------------
// XRBench models as SCAR evaluates them (scripts/xrbench.ts reads XRBench's layer descriptions)
// ---------------------------------------------------------------------------------------------

/** Workload name -> the XRBench networks it chains (EyeCod = eye segmentation, then gaze). */
const XRBENCH_MODELS: Record<string, { nets: string[]; what: string }> = {
  xr_d2go: { nets: ['OD_D2go_FasterRCNN'], what: 'object detection, D2Go Faster R-CNN (FBNet backbone)' },
  xr_planercnn: { nets: ['PD_Plane_RCNN_Quarter'], what: 'plane detection, PlaneRCNN (Liu et al., CVPR 2019) at quarter resolution' },
  xr_midas_small: { nets: ['DE_midas_v21_small'], what: 'depth estimation, MiDaS v2.1 small (Ranftl et al., TPAMI 2020)' },
  xr_emformer_24l: { nets: ['ASR_EM_24L'], what: 'speech recognition, Emformer encoder, 24 layers (Shi et al., ICASSP 2021), 128 frames' },
  xr_hrvit_b1: { nets: ['SS_HRViT_b1'], what: 'semantic segmentation, HRViT-b1 (Gu et al., CVPR 2022)' },
  xr_hand_graph_cnn: { nets: ['HT_hand_graph_cnn_half'], what: 'hand shape and pose, Graph CNN (Ge et al., CVPR 2019), half size' },
  xr_eyecod: { nets: ['ES_RITNet', 'GE_FBNet_C'], what: 'eye segmentation (RITNet, Chaudhary et al., ICCVW 2019) followed by gaze estimation (FBNet-C, Wu et al., CVPR 2019), the EyeCod pipeline' },
  xr_depth_refine: { nets: ['DR_RGBd_200'], what: 'RGB-D depth refinement (XRBench DR_RGBd_200)' },
};

function xrbenchModel(name: string, nets: Map<string, MaestroNetwork>): Model {
  const spec = XRBENCH_MODELS[name];
  const m = new Model(
    name,
    `XRBench (Kwon et al., MLSys 2023), github.com/XRBench/XRBench-MLSys2023 XRbench_evaluation/usage_scenarios (MIT): ${spec.nets.join(' then ')}; ${spec.what}`,
    'Converted from XRBench\'s MAESTRO layer description, the input SCAR (MICRO 2024) evaluated: one layer per CONV entry, in order, as a chain (the description has no graph); Y x X are the input rows and columns, no stride, no padding (MAESTRO\'s semantics); 1x1 layers on a Y x 1 input are fc layers over Y tokens. Depthwise convolutions are described as dense convolutions there, and are kept dense here, so MACs and weights exceed the original model\'s. Without padding a layer\'s listed output is smaller than the next layer\'s listed input, so the loader\'s producer-size check is off (checkInputSizes: false).',
    false,
  );
  for (const netName of spec.nets) {
    const net = nets.get(netName);
    if (!net) throw new Error(`XRBench network ${netName} not found`);
    const prefix = spec.nets.length > 1 ? `${netName}.` : '';
    for (const l of net.layers) {
      if (l.n !== 1) throw new Error(`${netName}/${l.name}: N = ${l.n} (batch is the scenario's)`);
      const from = m.layers.length === 0 ? [] : [m.layers[m.layers.length - 1].name as string];
      if (l.r === 1 && l.s === 1 && l.x === 1) m.add(`${prefix}${l.name}`, 'fc', from, { inFeatures: l.c, outFeatures: l.k, ...(l.y > 1 ? { tokens: l.y } : {}) });
      else {
        const pad = compact([fitPad(l.y, l.r), fitPad(l.x, l.s)]);
        const note = pad !== 0 ? 'kernel larger than the input in XRBench\'s description: least zero padding that fits' : undefined;
        m.add(`${prefix}${l.name}`, 'conv2d', from, { inChannels: l.c, inHeight: l.y, inWidth: l.x, outChannels: l.k, kernel: compact([l.r, l.s]), ...(pad !== 0 ? { pad } : {}) }, note);
      }
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Output and check
// ---------------------------------------------------------------------------------------------

/** One layer per line. */
function render(m: Model): string {
  const head: Fields = { schema: 'mcmsim/workload@1', name: m.name, source: m.source };
  if (m.note) head.note = m.note;
  if (!m.checkInputSizes) head.checkInputSizes = false;
  const top = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const layers = m.layers.map((l) => `    ${JSON.stringify(l)}`).join(',\n');
  return `{\n${top.join(',\n')},\n  "layers": [\n${layers}\n  ]\n}\n`;
}

const fmt = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(3)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(3)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;

function compare(label: string, got: number, want: number | undefined): { text: string; ok: boolean } {
  if (want === undefined) return { text: '', ok: true };
  const ratio = got / want;
  const ok = Math.abs(ratio - 1) <= 0.1;
  return { text: `${label} ${fmt(got)}/${fmt(want)}=${ratio.toFixed(3)}${ok ? '' : ' MISMATCH'}`, ok };
}

function main(): void {
  const models = [
    resnet50(),
    googlenet(),
    unet(),
    bertLarge(),
    gptLarge(),
    handTracking(),
    eyeSegmentation(),
    depthEstimation(),
    keywordSpotting(),
    objectDetection(),
    speechRecognition(),
    unet(512),
    bertBase(),
  ];
  // XRBench's descriptions are read from a checkout of github.com/XRBench/XRBench-MLSys2023
  // (--xrbench DIR = its XRbench_evaluation/usage_scenarios); without it the xr_* files are kept.
  const at = process.argv.indexOf('--xrbench');
  if (at >= 0) {
    const nets = readXrbench(process.argv[at + 1]);
    for (const name of Object.keys(XRBENCH_MODELS)) {
      const totals = XRBENCH_MODELS[name].nets.map((n) => maestroTotals(nets.get(n)?.layers ?? []));
      const want = { macs: totals.reduce((a, t) => a + t.macs, 0), params: totals.reduce((a, t) => a + t.weights, 0) };
      if (want.macs !== PUBLISHED[name].macs || want.params !== PUBLISHED[name].params) {
        throw new Error(`${name}: XRBench totals ${want.macs} MACs / ${want.params} weights differ from scripts/published.ts`);
      }
      models.push(xrbenchModel(name, nets));
    }
  } else console.log('(no --xrbench DIR: the xr_* workloads are checked, not regenerated)');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const files = models.map((m) => {
    const file = path.join(OUT_DIR, `${m.name}.json`);
    fs.writeFileSync(file, render(m));
    return file;
  });
  for (const name of Object.keys(XRBENCH_MODELS)) {
    const file = path.join(OUT_DIR, `${name}.json`);
    if (!files.includes(file) && fs.existsSync(file)) files.push(file);
  }

  let allOk = true;
  console.log(`${'model'.padEnd(20)}${'layers'.padStart(7)}${'MACs'.padStart(11)}${'weights'.padStart(11)}  vs published`);
  for (const file of files) {
    const w = loadWorkload(file);
    if (w.name !== path.basename(file, '.json')) throw new Error(`${file}: name ${w.name} differs from the file name`);
    const macs = w.layers.reduce((s, l) => s + l.shape.macsPerSample, 0);
    const weights = w.layers.reduce((s, l) => s + l.shape.weightElems, 0);
    const pub = PUBLISHED[w.name];
    const checks = [compare('MACs', macs, pub?.macs), compare('params', weights, pub?.params)];
    allOk &&= checks.every((c) => c.ok);
    const text = checks.map((c) => c.text).filter((t) => t).join(', ');
    console.log(
      `${w.name.padEnd(20)}${String(w.layers.length).padStart(7)}${fmt(macs).padStart(11)}${fmt(weights).padStart(11)}  ${text || '-'}  [${pub?.ref ?? 'no reference'}]`,
    );
  }
  if (!allOk) {
    console.error('some totals differ from the published figures by more than 10%');
    process.exitCode = 1;
  }
}

main();

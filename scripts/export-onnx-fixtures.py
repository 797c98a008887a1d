#!/usr/bin/python3
"""Exports the ONNX fixtures in test/fixtures/onnx/ with Debian's PyTorch, then strips their weights.

Needs Debian bookworm's packages (apt-get install python3-torch python3-torchvision python3-onnx;
torch 1.13.1, torchvision 0.14.1, onnx 1.12.0) and runs with the system interpreter:

    /usr/bin/python3 scripts/export-onnx-fixtures.py [OUT_DIR]

Models (random weights; only shapes matter to mcmsim):
  resnet50      torchvision.models.resnet50, 1x3x224x224, symbolic batch "N"
  mobilenet_v2  torchvision.models.mobilenet_v2, 1x3x224x224, symbolic batch "N"
  bert_encoder  a BERT-style encoder written below with BERT-Large's widths (hidden 1024, 16 heads,
                FFN 4096) but 2 layers and a 1000-token vocabulary; input_ids of shape batch x "seq"
  unet          U-Net as models/workloads/unet.json describes it (1x1x256x256, widths 64-1024,
                "same" 3x3 convs + BatchNorm + ReLU, 2x2 max pool, 2x2 stride-2 ConvTranspose,
                skip concatenation, 1x1 output conv to 2 classes)

Stripping: every initialiser with more than 64 elements loses its data but keeps its dims and
type; it is marked as external data (data_location EXTERNAL, location "<model>.weights.bin" with
the offset and length it would have) although that file is never written. This is how ONNX
stores models above 2 GB, and mcmsim's importer never reads weights, so the committed files are
small (tens of kB) and exercise the external-data path. Small initialisers (shape vectors,
scalars) keep their values: shape inference needs them.
"""
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision

# Opset 13 for the CNNs (what most published exports use); the encoder uses opset 17 so its
# LayerNorm exports as one LayerNormalization node (older opsets spell it out in 9 nodes).
OPSET = 13
OPSET_LN = 17
KEEP_ELEMS = 64


class Encoder(nn.Module):
    """BERT encoder layer (post-LN), written out so the export is plain MatMul/Softmax/LayerNorm."""

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden)
        self.ffn1 = nn.Linear(hidden, ffn)
        self.ffn2 = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden)

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.heads

        def split(y):
            return y.reshape(b, t, self.heads, dh).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / dh**0.5, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ffn2(nn.functional.gelu(self.ffn1(x))))


class Bert(nn.Module):
    def __init__(self, vocab=1000, hidden=1024, heads=16, ffn=4096, layers=2, max_len=512):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_len, hidden)
        self.ln = nn.LayerNorm(hidden)
        self.layers = nn.ModuleList([Encoder(hidden, heads, ffn) for _ in range(layers)])

    def forward(self, ids):
        t = ids.shape[1]
        x = self.ln(self.tok(ids) + self.pos(torch.arange(t).unsqueeze(0)))
        for layer in self.layers:
            x = layer(x)
        return x


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, cin=1, classes=2, widths=(64, 128, 256, 512)):
        super().__init__()
        self.enc = nn.ModuleList()
        c = cin
        for w in widths:
            self.enc.append(double_conv(c, w))
            c = w
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = double_conv(c, 2 * c)
        c = 2 * c
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w in reversed(widths):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2))
            self.dec.append(double_conv(2 * w, w))
            c = w
        self.out = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = dec(torch.cat([skip, up(x)], dim=1))
        return self.out(x)


def strip(model_path, stem):
    m = onnx.load(model_path)
    offset = 0
    for t in m.graph.initializer:
        n = 1
        for d in t.dims:
            n *= d
        if n <= KEEP_ELEMS:
            continue
        nbytes = len(t.raw_data) if t.raw_data else n * 4
        t.ClearField("raw_data")
        t.ClearField("float_data")
        t.data_location = onnx.TensorProto.EXTERNAL
        del t.external_data[:]
        for k, v in (("location", f"{stem}.weights.bin"), ("offset", str(offset)), ("length", str(nbytes))):
            e = t.external_data.add()
            e.key, e.value = k, v
        offset += nbytes
    m.doc_string = (
        f"mcmsim test fixture: exported with torch {torch.__version__} (Debian), weights stripped "
        f"({offset} bytes; initialisers keep their dims, the external file {stem}.weights.bin does not exist)"
    )
    onnx.save(m, model_path)
    return offset


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "onnx")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    image = torch.zeros(1, 3, 224, 224)
    jobs = [
        ("resnet50", torchvision.models.resnet50(), image, ["input"], {"input": {0: "N"}}, OPSET),
        ("mobilenet_v2", torchvision.models.mobilenet_v2(), image, ["input"], {"input": {0: "N"}}, OPSET),
        ("bert_encoder", Bert(), torch.zeros(1, 128, dtype=torch.int64), ["input_ids"], {"input_ids": {0: "N", 1: "seq"}}, OPSET_LN),
        ("unet", UNet(), torch.zeros(1, 1, 256, 256), ["input"], {"input": {0: "N"}}, OPSET),
    ]
    for stem, model, example, names, axes, opset in jobs:
        model.eval()
        path = os.path.join(out, f"{stem}.onnx")
        with torch.no_grad():
            torch.onnx.export(model, example, path, input_names=names, output_names=["output"], dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
        stripped = strip(path, stem)
        print(f"{path}: {os.path.getsize(path)} bytes (stripped {stripped} bytes of weights)")


if __name__ == "__main__":
    main()

"""
Runs SCALE-Sim v2's systolic compute model (github.com/scalesim-project/scale-sim-v2, not part of
mcmsim, not committed) on the reference layers of scripts/fidelity.ts, for the README
"per-layer fidelity" table:

    python3 scripts/scalesim_compare.py PATH/TO/scale-sim-v2 [ROWS COLS]

Needs numpy and tqdm (Debian: python3-numpy python3-tqdm). Prints, per layer and dataflow (ws,
os), SCALE-Sim's compute cycles (rows of its demand matrices: no memory stalls, the SRAMs are
assumed large enough) and its average compute utilisation. SCALE-Sim has no grouped
convolution: the depthwise layer runs as one single-channel convolution, multiplied by its 32
channels (one channel per fold, as SCALE-Sim would run 32 separate layers).
"""
import json
import os
import sys
import tempfile

LAYERS = [
    # name, ifmap h, ifmap w (with padding), filter h, w, channels, filters, stride, repeat
    ('ResNet-50 conv1', 229, 229, 7, 7, 3, 64, 2, 1),
    ('ResNet-50 3x3', 58, 58, 3, 3, 64, 64, 1, 1),
    ('ResNet-50 1x1', 56, 56, 1, 1, 64, 64, 1, 1),
    ('ResNet-50 FC', 1, 1, 1, 1, 2048, 1000, 1, 1),
    ('BERT-Large FFN1 GEMM', 128, 1, 1, 1, 1024, 4096, 1, 1),
    ('MobileNet depthwise 3x3 (per channel x 32)', 114, 114, 3, 3, 1, 1, 1, 32),
]


def main():
    root = sys.argv[1]
    rows, cols = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (32, 32)
    sys.path.insert(0, root)
    from scalesim.scale_config import scale_config
    from scalesim.topology_utils import topologies
    from scalesim.compute.operand_matrix import operand_matrix
    from scalesim.compute.systolic_compute_ws import systolic_compute_ws
    from scalesim.compute.systolic_compute_os import systolic_compute_os

    tmp = tempfile.mkdtemp()
    topo_file = os.path.join(tmp, 'layers.csv')
    with open(topo_file, 'w') as f:
        f.write('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n')
        for i, l in enumerate(LAYERS):
            f.write('l%d, %d, %d, %d, %d, %d, %d, %d,\n' % ((i,) + l[1:8]))
    out = []
    for df in ('ws', 'os'):
        cfg_file = os.path.join(tmp, df + '.cfg')
        with open(cfg_file, 'w') as f:
            f.write('[general]\nrun_name = mcmsim_%s\n\n[architecture_presets]\nArrayHeight: %d\nArrayWidth: %d\n'
                    'IfmapSramSzkB: 65536\nFilterSramSzkB: 65536\nOfmapSramSzkB: 65536\nIfmapOffset: 0\n'
                    'FilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : 10\nDataflow : %s\nMemoryBanks: 1\n\n'
                    '[run_presets]\nInterfaceBandwidth: CALC\n' % (df, rows, cols, df))
        config = scale_config()
        config.read_conf_file(cfg_file)
        topo = topologies()
        topo.load_arrays(topofile=topo_file)
        for i, l in enumerate(LAYERS):
            om = operand_matrix()
            om.set_params(config_obj=config, topoutil_obj=topo, layer_id=i)
            om.create_operand_matrices()
            ifmap, filt, ofmap = om.get_all_operand_matrix()
            comp = systolic_compute_ws() if df == 'ws' else systolic_compute_os()
            comp.set_params(config_obj=config, ifmap_op_mat=ifmap, ofmap_op_mat=ofmap, filter_op_mat=filt)
            comp.create_demand_matrices()
            cycles = comp.ifmap_demand_matrix.shape[0] * l[8]
            macs = ofmap.shape[0] * ofmap.shape[1] * ifmap.shape[1] * l[8]
            out.append({'layer': l[0], 'dataflow': df, 'cycles': int(cycles), 'macs': int(macs),
                        'utilization': macs / (cycles * rows * cols),
                        'avgComputeUtilization': comp.get_avg_compute_utilization()})
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()

/**
 * Published MAC and weight totals the generated workloads are checked against (by
 * scripts/gen-workloads.ts when it writes them, and by test/input/published.test.ts).
 */
export interface Published {
  macs?: number;
  params?: number;
  ref: string;
}

export const PUBLISHED: Record<string, Published> = {
  resnet50: { macs: 4.09e9, params: 25.557e6, ref: 'torchvision: 4.09 GFLOPS (MACs), 25,557,032 params' },
  googlenet: { macs: 1.5e9, params: 6.625e6, ref: 'torchvision: 1.50 GFLOPS (MACs), 6,624,904 params; paper 1.5G mult-adds' },
  unet: { params: 31.03e6, ref: '~31.0M params (U-Net, 64-1024 widths, common re-implementations)' },
  unet_512: { params: 31.03e6, ref: '~31.0M params (U-Net, 64-1024 widths, common re-implementations); input 512x512x1 as SCAR Table III' },
  bert_base: { macs: 11.2e9, params: 85.0e6, ref: '110M params total of which ~85M in the encoder; ~11.2 GMACs per 128 tokens (encoder params x tokens + attention 2 x 12 x 128^2 x 768)' },
  bert_large: { macs: 40e9, params: 302e6, ref: '~40 GMACs per 128 tokens; 340M params total of which ~302M in the encoder' },
  gpt_l: { macs: 774e6 * 128, params: 774e6, ref: '774M params (incl. tied embedding); ~params x tokens MACs for prefill' },
  depth_estimation: { macs: 0.74e9, params: 3.93e6, ref: 'FastDepth unpruned: 0.74 GMACs, 3.93M weights' },
  keyword_spotting: { macs: 19.8e6 / 2, ref: 'Hello Edge DS-CNN-M: 19.8M ops (~9.9M MACs)' },
  object_detection: { macs: 5.57e9 / 2, params: 8.86e6, ref: 'darknet yolov3-tiny 416: 5.57 BFLOPs (~2.79 GMACs), 8.86M params' },
  eye_segmentation: { ref: 'RITNet: 0.25M params (5 convs per down block); this simplified variant is not compared' },
  hand_tracking: { ref: 'representative BlazePalm-like detector; no published total' },
  speech_recognition: { ref: 'scaled-down transducer; no published total' },
  // XRBench models: the totals of XRBench's own layer descriptions by MAESTRO's rules (what SCAR
  // evaluated; recomputed by scripts/xrbench.ts maestroTotals when --xrbench is given). Where the
  // original model publishes a figure it is quoted: the descriptions list depthwise convolutions
  // as dense ones, so their weights and MACs are far above the original's.
  xr_d2go: { macs: 9707348224, params: 92325896, ref: 'XRBench OD_D2go_FasterRCNN description; no comparable published total' },
  xr_planercnn: { macs: 7523982272, params: 59538608, ref: 'XRBench PD_Plane_RCNN_Quarter description; no comparable published total' },
  xr_midas_small: { macs: 18493636608, params: 367462944, ref: 'XRBench DE_midas_v21_small description; the original MiDaS v2.1 small has 21.3M params (depthwise convs dense here)' },
  xr_emformer_24l: { macs: 9663676416, params: 75497472, ref: 'XRBench ASR_EM_24L description (24 layers x 5 fc over 128 frames, d 512, FFN 2048)' },
  xr_hrvit_b1: { macs: 20095232384, params: 111571136, ref: 'XRBench SS_HRViT_b1 description; the original HRViT-b1 has 8.1M params (depthwise convs dense here)' },
  xr_hand_graph_cnn: { macs: 3731553600, params: 19299072, ref: 'XRBench HT_hand_graph_cnn_half description; no comparable published total' },
  xr_eyecod: { macs: 1040138240 + 2341155904, params: 231424 + 159393456, ref: 'XRBench ES_RITNet + GE_FBNet_C descriptions; the original RITNet has 0.25M params (matches), FBNet-C 5.5M (depthwise convs dense here)' },
  xr_depth_refine: { macs: 16837208128, params: 13673104, ref: 'XRBench DR_RGBd_200 description; no comparable published total' },
};

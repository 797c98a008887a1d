/** How a chiplet's global buffer (L2) is divided between tiles, activations and weights. */
import { ChipletKind } from '../input/types';

/**
 * Bytes per region: two tile slots (double buffering), a region for produced activations that
 * wait for their consumers, and a region for weights kept resident between jobs (inter-chiplet
 * pipelining over micro-batches). A quarter each.
 */
export function bufferLayout(kind: ChipletKind): { tileSlotBytes: number; outputBytes: number; residentWeightBytes: number } {
  const q = Math.floor(kind.bufferBytes / 4);
  return { tileSlotBytes: q, outputBytes: q, residentWeightBytes: q };
}

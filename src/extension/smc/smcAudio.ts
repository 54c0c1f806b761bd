import { InputError } from '../../core/errors';
import { wavByteLength, wavHeader } from '../../core/writers/wav';

/**
 * The speech track for the webview: a float32 WAV, the samples as stored (an <audio> element plays
 * it from a blob URL, so seeking and the playhead come for free), and a min/max envelope for
 * drawing the waveform. Both are built in one pass over windows of samples.
 */

/** Sample frames read per window (one second at 48 kHz is 48,000). */
const WINDOW = 1 << 18;
/** The biggest WAV sent to a webview: about 9 minutes of 48 kHz stereo. */
const MAX_WAV_BYTES = 200 * 2 ** 20;

export interface AudioSource {
  sampleCount: number;
  channels: number;
  sampleRate: number;
  /** Interleaved samples of sample frames [start, start + count), values in [-1, 1). */
  read(start: number, count: number): Promise<ArrayLike<number>>;
}

export interface AudioTrack {
  wav: Uint8Array;
  peaksMin: Float32Array;
  peaksMax: Float32Array;
}

export async function buildAudioTrack(src: AudioSource, buckets: number): Promise<AudioTrack> {
  const { sampleCount: n, channels, sampleRate } = src;
  const bytes = wavByteLength(channels, n);
  if (bytes > MAX_WAV_BYTES) {
    throw new InputError('too-large', `The audio track is too long to play here (${(n / sampleRate / 60).toFixed(1)} min)`);
  }
  const header = wavHeader(channels, sampleRate, n);
  const wav = new Uint8Array(bytes);
  wav.set(header);
  const pcm = new DataView(wav.buffer, header.length);
  const peaksMin = new Float32Array(buckets).fill(Number.POSITIVE_INFINITY);
  const peaksMax = new Float32Array(buckets).fill(Number.NEGATIVE_INFINITY);
  for (let start = 0; start < n; start += WINDOW) {
    const count = Math.min(WINDOW, n - start);
    const samples = await src.read(start, count);
    for (let i = 0; i < count; i++) {
      const bucket = Math.min(buckets - 1, Math.floor(((start + i) * buckets) / n));
      for (let c = 0; c < channels; c++) {
        const v = Number(samples[i * channels + c]);
        const clamped = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
        pcm.setFloat32(((start + i) * channels + c) * 4, Number.isFinite(v) ? v : 0, true);
        if (clamped < peaksMin[bucket]!) peaksMin[bucket] = clamped;
        if (clamped > peaksMax[bucket]!) peaksMax[bucket] = clamped;
      }
    }
  }
  // Buckets past the end of a short track stay flat.
  for (let b = 0; b < buckets; b++) {
    if (peaksMin[b] === Number.POSITIVE_INFINITY) peaksMin[b] = peaksMax[b] = 0;
  }
  return { wav, peaksMin, peaksMax };
}

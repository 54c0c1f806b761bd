import { InputError } from '../errors';
import { createAtomicWriteStream } from '../io/atomicFile';
import { writeWithBackpressure } from './streamWrite';

/*
 * WAV as 32-bit IEEE float (format tag 3), not 16-bit PCM: RenderMe360 audio is stored as float
 * samples in [-1, 1), and float32 keeps them bit for bit (float64 input is rounded to float32),
 * whereas int16 would quantize them. Browsers (so VS Code's audio preview), ffmpeg, sox, Audacity,
 * scipy.io.wavfile and soundfile read it; Python's `wave` module does not (it only knows PCM).
 * Layout: RIFF header, an 18-byte `fmt ` chunk, the `fact` chunk non-PCM formats need, then `data`.
 */

const HEADER_BYTES = 12 + 8 + 18 + 8 + 4 + 8;
const BYTES_PER_SAMPLE = 4;
const FRAMES_PER_CHUNK = 1 << 15;

export interface WavAudio {
  /** Interleaved samples (frame-major for several channels). */
  samples: ArrayLike<number>;
  channels: number;
  sampleRate: number;
}

/** Size of the WAV file for `frames` sample frames of `channels` channels. */
export function wavByteLength(channels: number, frames: number): number {
  return HEADER_BYTES + frames * channels * BYTES_PER_SAMPLE;
}

export function wavHeader(channels: number, sampleRate: number, frames: number): Uint8Array {
  const dataBytes = frames * channels * BYTES_PER_SAMPLE;
  if (!(channels >= 1 && channels <= 0xffff && Number.isInteger(channels)))
    throw new InputError('invalid-value', `A WAV file cannot have ${channels} channels`);
  if (!(sampleRate > 0 && sampleRate <= 0xffffffff && Number.isInteger(sampleRate))) {
    throw new InputError('invalid-value', `A WAV file needs a whole, positive sample rate (got ${sampleRate})`);
  }
  if (HEADER_BYTES - 8 + dataBytes > 0xffffffff) throw new InputError('invalid-value', `${dataBytes} bytes of audio do not fit in a WAV file (4 GiB)`);
  const b = new Uint8Array(HEADER_BYTES);
  const v = new DataView(b.buffer);
  const ascii = (at: number, s: string) => b.set(Buffer.from(s, 'latin1'), at);
  ascii(0, 'RIFF');
  v.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 18, true);
  v.setUint16(20, 3, true); // WAVE_FORMAT_IEEE_FLOAT
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * BYTES_PER_SAMPLE, true); // bytes per second
  v.setUint16(32, channels * BYTES_PER_SAMPLE, true); // block align
  v.setUint16(34, BYTES_PER_SAMPLE * 8, true);
  v.setUint16(36, 0, true); // no extension
  ascii(38, 'fact');
  v.setUint32(42, 4, true);
  v.setUint32(46, frames, true);
  ascii(50, 'data');
  v.setUint32(54, dataBytes, true);
  return b;
}

/** Writes float32 WAV in pieces (temporary name, then rename). */
export async function writeWav(path: string, audio: WavAudio, signal?: AbortSignal): Promise<void> {
  const { samples, channels, sampleRate } = audio;
  const frames = Math.floor(samples.length / channels);
  const header = wavHeader(channels, sampleRate, frames);
  const out = await createAtomicWriteStream(path);
  try {
    await writeWithBackpressure(out.stream, header);
    const perChunk = FRAMES_PER_CHUNK * channels;
    for (let i = 0; i < frames * channels; i += perChunk) {
      signal?.throwIfAborted();
      const n = Math.min(perChunk, frames * channels - i);
      const chunk = new Float32Array(n);
      for (let k = 0; k < n; k++) chunk[k] = samples[i + k]!;
      await writeWithBackpressure(out.stream, new Uint8Array(chunk.buffer));
    }
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
}

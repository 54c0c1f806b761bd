import { SmcFile } from '../../core/smc/smcFile';
import type { CliIo } from '../command';
import { formatFields, printJson } from '../output';

/** `bodycap info <file.smc>`. */
export async function smcInfo(path: string, json: boolean, io: CliIo): Promise<void> {
  const file = await SmcFile.open(path);
  try {
    const h = file.header;
    if (json) {
      printJson(io, {
        format: 'smc',
        fileKind: file.fileKind,
        actorId: h.actorId,
        performancePart: h.performancePart,
        performanceKind: file.performanceKind,
        captureDate: h.captureDate,
        actorInfo: h.actorInfo,
        cameraInfo: h.cameraInfo,
      });
      return;
    }
    const [height, width] = h.cameraInfo.resolution;
    io.out(
      formatFields([
        ['File', path],
        ['Format', `RenderMe360 SMC (${file.fileKind})`],
        ['Actor', h.actorId],
        ['Performance', `${h.performancePart} (${file.performanceKind})`],
        ['Capture date', h.captureDate],
        ['Age / gender', `${h.actorInfo.age ?? '—'} / ${h.actorInfo.gender ?? '—'}`],
        ['Height / weight', `${h.actorInfo.height ?? '—'} cm / ${h.actorInfo.weight ?? '—'} kg`],
        ['Cameras (nominal)', h.cameraInfo.numDevice],
        ['Frames', h.cameraInfo.numFrame],
        ['Resolution', `${width} x ${height}`],
      ]),
    );
  } finally {
    file.close();
  }
}

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A single-node Slurm for tests: its own munge key and socket, slurm.conf, state and spool folders
 * under `dir`, so it touches nothing of the host's (apart from the two TCP ports). Needs root and
 * Debian's `slurm-wlm` + `munge` (scripts/setup.mjs installs them). No cgroups, no accounting:
 * proctrack/linuxproc tracks a job's processes, which is what scancel needs to kill them.
 */
export class SlurmCluster {
  private constructor(
    readonly dir: string,
    /** Environment for the Slurm client commands (SLURM_CONF) plus `extraPath` in front of PATH. */
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Why this machine cannot run the cluster, or null. */
  static async unavailable(): Promise<string | null> {
    if (process.getuid?.() !== 0) return 'the daemons must run as root (slurmd starts jobs as their user)';
    for (const tool of ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'scontrol']) {
      try {
        await run('sh', ['-c', `command -v ${tool}`]);
      } catch {
        return `${tool} is not installed (npm run setup installs slurm-wlm and munge)`;
      }
    }
    return null;
  }

  /** Writes the configuration, starts munged, slurmctld and slurmd, and waits until the node is idle. */
  static async start(dir: string, options: { extraPath: string; cpus: number }): Promise<SlurmCluster> {
    const host = hostname().split('.')[0]!;
    const munge = join(dir, 'munge');
    await mkdir(munge, { recursive: true, mode: 0o700 });
    await chmod(munge, 0o700);
    for (const sub of ['state', 'spool', 'log']) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(munge, 'munge.key'), randomBytes(1024), { mode: 0o600 });
    const socket = join(munge, 'munge.socket');
    const conf = [
      'ClusterName=bodycaptest',
      `SlurmctldHost=${host}`,
      'SlurmctldPort=16817',
      'SlurmdPort=16818',
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SwitchType=switch/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      // Memory is not enforced (no cgroups); it only has to cover the README's --mem=4G.
      `NodeName=${host} CPUs=${options.cpus} RealMemory=8000 State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n');
    const confPath = join(dir, 'slurm.conf');
    await writeFile(confPath, conf);
    const env = { ...process.env, SLURM_CONF: confPath, PATH: `${options.extraPath}:${process.env.PATH ?? ''}` };
    const cluster = new SlurmCluster(dir, env);
    await run('munged', [
      `--key-file=${join(munge, 'munge.key')}`,
      `--socket=${socket}`,
      `--pid-file=${join(munge, 'munged.pid')}`,
      `--log-file=${join(munge, 'munged.log')}`,
      `--seed-file=${join(munge, 'seed')}`,
      '--force',
    ]);
    await run('slurmctld', ['-f', confPath], { env });
    await run('slurmd', ['-f', confPath], { env });
    // sinfo answers once slurmctld listens; the node is "idle" once slurmd has registered.
    await cluster.until(async () => (await cluster.command('sinfo', ['-h', '-o', '%T']).catch(() => '')).trim().startsWith('idle'));
    return cluster;
  }

  /** A Slurm client command's stdout. */
  async command(name: string, args: string[], cwd?: string): Promise<string> {
    return (await run(name, args, { env: this.env, cwd })).stdout;
  }

  /** Runs a shell command line (the README's recipe) in `cwd` with the cluster's environment. */
  async shell(line: string, cwd: string): Promise<string> {
    return (await run('bash', ['-c', line], { env: this.env, cwd })).stdout;
  }

  /** State and exit code of every task of an array job, e.g. {"1": "COMPLETED 0:0"}. */
  async arrayTasks(jobId: string): Promise<Map<string, string>> {
    const out = await this.command('scontrol', ['show', 'job', '-o', jobId]);
    const tasks = new Map<string, string>();
    for (const line of out.split('\n').filter(Boolean)) {
      const task = /ArrayTaskId=(\S+)/.exec(line)?.[1];
      const state = /JobState=(\S+)/.exec(line)?.[1];
      const exit = /ExitCode=(\S+)/.exec(line)?.[1];
      if (task && state) tasks.set(task, `${state} ${exit ?? '?'}`);
    }
    return tasks;
  }

  /** Waits until no task of `jobId` is pending or running. */
  async waitForJob(jobId: string): Promise<Map<string, string>> {
    await this.until(async () => (await this.command('squeue', ['-h', '-j', jobId]).catch(() => '')).trim() === '');
    return this.arrayTasks(jobId);
  }

  /** Polls `ready` every 100 ms (the test's own timeout bounds the wait). */
  async until(ready: () => Promise<boolean>): Promise<void> {
    while (!(await ready())) await new Promise((r) => setTimeout(r, 100));
  }

  /** Stops slurmctld and slurmd (scontrol shutdown, then their pids) and munged; safe to call twice. */
  async stop(): Promise<void> {
    await this.command('scontrol', ['shutdown']).catch(() => '');
    for (const pidFile of [join(this.dir, 'slurmd.pid'), join(this.dir, 'slurmctld.pid'), join(this.dir, 'munge', 'munged.pid')]) {
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (!pid) continue;
      await waitForExit(pid, pidFile.endsWith('munged.pid') ? 0 : 3000);
    }
  }

  /** The daemons' logs, for a failure message. */
  async logs(): Promise<string> {
    const parts: string[] = [];
    for (const f of ['log/slurmctld.log', 'log/slurmd.log', 'munge/munged.log'])
      parts.push(`--- ${f}\n${(await readFile(join(this.dir, f), 'utf8').catch(() => '')).slice(-3000)}`);
    return parts.join('\n');
  }
}

/** Waits up to `graceMs` for `pid` to exit on its own, then sends SIGTERM (munged) or SIGKILL. */
async function waitForExit(pid: number, graceMs: number): Promise<void> {
  // A zombie (a daemon's exited child nobody reaps in a container) counts as gone.
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  for (let waited = 0; waited < graceMs && alive(); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (!alive()) return;
  process.kill(pid, graceMs === 0 ? 'SIGTERM' : 'SIGKILL');
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
}

/** A `bodycap` command on PATH that runs the built CLI (dist/cli.js), as `npm install -g .` would. */
export async function installBodycap(binDir: string, cliJs: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  await writeFile(join(binDir, 'bodycap'), `#!/bin/sh\nexec "${process.execPath}" "${cliJs}" "$@"\n`, { mode: 0o755 });
}

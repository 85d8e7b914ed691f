import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A throwaway PostgreSQL cluster from the Debian `postgresql` package for tests and benches: initdb into a temp
 * folder, started on a free 127.0.0.1 port (its socket in that folder too), stopped and removed by `stop()`.
 * initdb refuses to run as root: as root the cluster runs as the `postgres` system user (runuser), in a folder it owns.
 */

/**
 * @typedef {object} Cluster
 * @property {string} adminUrl postgres://lockstep@127.0.0.1:PORT/postgres (trust authentication: throwaway, local only)
 * @property {number} port
 * @property {string} dir
 * @property {(name?: string) => string} createDatabase a new empty database on this cluster; returns its URL
 * @property {(sql: string, database?: string) => string} psql runs SQL as the superuser through psql
 * @property {() => void} stop stops the cluster and removes its folder
 */

function findBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresMissingReason() {
  if (process.platform !== 'linux') return 'PostgreSQL tests run on Linux only (the Debian postgresql package)';
  if (!findBin()) return 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql (.ci/run does)';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root, but there is no postgres system user to run the cluster as';
  return null;
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      server.close(() => resolve(port));
    });
  });
}

let dbCounter = 0;

/** @param {{ durable?: boolean }} options @returns {Promise<Cluster>} */
export async function startCluster(options = {}) {
  const bin = findBin();
  if (!bin) throw new Error(postgresMissingReason() ?? 'no postgres');
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-pg-'));
  fs.chmodSync(dir, 0o700);
  let owner = null;
  if (asRoot) {
    owner = {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
    fs.chownSync(dir, owner.uid, owner.gid);
  }
  const run = (file, args) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args]] : [path.join(bin, file), args];
    const res = spawnSync(cmd, argv, { encoding: 'utf8', cwd: dir });
    if (res.status !== 0) throw new Error(`${file} failed (${res.status}): ${res.stderr || res.stdout}`);
    return res.stdout;
  };
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'lockstep', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // durable: fsync on (what a real server does, for the bench); tests may trade durability for speed.
  const settings = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=100`,
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  const adminUrl = `postgres://lockstep@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const psql = (sql, database = 'postgres') => {
    const res = spawnSync(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'lockstep', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
    return res.stdout;
  };
  return {
    adminUrl,
    port,
    dir,
    psql,
    createDatabase(name = `t${process.pid}_${++dbCounter}`) {
      psql(`CREATE DATABASE ${name}`);
      return `postgres://lockstep@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../infra/net';
import { EmbeddedPostgres, serverBinaries, serverUser } from '../../infra/postgres/embedded-postgres';
import { randomSecret } from '../../infra/security/api-keys';

/** The embedded cluster from a private folder (a clone in a 0700 home, as root) and after a kill -9. */

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'paystar-home-')); // 0700, like a home folder
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function selectOne(pg: EmbeddedPostgres): Promise<number> {
  const client = new Client({ connectionString: pg.url() });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

test('a cluster asked for inside a private (0700) folder starts, its data private to the server user', async () => {
  const owner = await serverUser();
  const asked = path.join(home, 'project', '.data', 'postgres');
  await mkdir(path.dirname(asked), { recursive: true, mode: 0o700 });
  const pg = await EmbeddedPostgres.start({ dataDir: asked, port: await freePort(), password: randomSecret() });
  try {
    expect(await selectOne(pg)).toBe(1);
    const info = await stat(pg.dataDir);
    expect(info.mode & 0o077).toBe(0);
    if (owner) {
      // As root the server runs as `postgres`, who cannot enter the 0700 folder: the data lives where it can.
      expect(info.uid).toBe(owner.uid);
      expect((await lstat(asked)).isSymbolicLink()).toBe(true);
    } else {
      expect(pg.dataDir).toBe(asked);
    }
  } finally {
    await pg.stop();
    if (pg.dataDir !== asked) await rm(pg.dataDir, { recursive: true, force: true });
  }
});

test('binaries the server user cannot reach are served from a copy only root and its group can read', async () => {
  const owner = await serverUser();
  // A stand-in for the binaries package, unique per run so the copy is made here, inside a 0700 folder.
  const version = `test-${path.basename(home)}`;
  const native = path.join(home, 'node_modules', 'pkg', 'native');
  await mkdir(path.join(native, 'bin'), { recursive: true });
  await writeFile(path.join(native, '..', 'package.json'), JSON.stringify({ version }));
  await writeFile(path.join(native, 'bin', 'postgres'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
  await chmod(home, 0o700);
  const served = await serverBinaries(owner, native);
  try {
    if (!owner) {
      expect(served).toBe(native);
      return;
    }
    expect(served).not.toBe(native);
    expect(served).toContain(version);
    const binary = await stat(path.join(served, 'bin', 'postgres'));
    expect({ uid: binary.uid, gid: binary.gid, mode: binary.mode & 0o777 }).toEqual({
      uid: 0,
      gid: owner.gid,
      mode: 0o750,
    });
    // The server user runs it (from a folder it may enter: the test's own is private).
    const ran = await new Promise<string>((resolve, reject) =>
      execFile(path.join(served, 'bin', 'postgres'), [], { uid: owner.uid, gid: owner.gid, cwd: '/' }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    expect(ran).toContain('stand-in');
    // A second call finds the copy.
    expect(await serverBinaries(owner, native)).toBe(served);
  } finally {
    if (served !== native) await rm(served, { recursive: true, force: true });
  }
});

test('a postmaster killed with -9 is noticed, reaped, and the cluster starts again on the same data', async () => {
  const dataDir = path.join(home, 'data');
  await chmod(home, 0o755);
  const options = { dataDir, port: await freePort(), password: randomSecret() };
  const first = await EmbeddedPostgres.start(options);
  let second: EmbeddedPostgres | undefined;
  try {
    const postmaster = await first.postmasterPid();
    expect(postmaster).toBeDefined();
    process.kill(postmaster!, 'SIGKILL');
    expect(await first.exited).toMatch(/exit code|signal/);
    // Its pid file stays behind, naming a process that is gone.
    expect(await readFile(path.join(first.dataDir, 'postmaster.pid'), 'utf8')).toContain(String(postmaster));
    second = await EmbeddedPostgres.start(options);
    expect(await selectOne(second)).toBe(1);
  } finally {
    await second?.stop();
    await first.stop();
    if (first.dataDir !== dataDir) await rm(first.dataDir, { recursive: true, force: true });
  }
});

import path from 'node:path';
import { exportArchive } from '../../backup/backup.export';
import { ImportRefused, importArchive, readable, verifyArchive } from '../../backup/backup.import';
import { describeInterrupted, importRunning, readMaintenance } from '../../backup/backup.maintenance';
import { need } from '../args';
import { type AnyCliCommand, command } from '../command';
import { progressBar } from '../progress';

/**
 * The backup commands (backup/): export, import (and import --verify), maintenance:off. They take
 * the schema as it is: an export reads it, an import brings its database to the archive's.
 */

const archiveFile = (args: string[]) => need(args, 1, 'the archive file');

export const BACKUP_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'export',
    database: 'as-is',
    check: archiveFile,
    async run({ storage, args, io, say, cost }) {
      const file = path.resolve(args[0]!);
      const result = await exportArchive(storage.url, file, { onProgress: progressBar('rows', io.stdout) });
      say(
        `exported ${result.tables} tables, ${result.rows} rows to ${file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, mode 0600) ${cost()}`,
      );
      say('it holds password hashes and 悄悄話: keep it safe, and copy it off this machine');
    },
  }),
  command({
    name: 'import',
    database: 'as-is',
    check: archiveFile,
    async run({ storage, args, flags, io, say, cost }) {
      const file = path.resolve(args[0]!);
      await readable(file);
      if (flags.has('verify')) {
        const result = await verifyArchive(storage.url, file, { onProgress: progressBar('rows', io.stdout), say });
        say(
          `verified: ${result.manifest.tables.length} tables and ${result.rows} rows restored into a scratch database (${result.database}), read back and matching the archive's checksums; the scratch database was dropped ${cost()}`,
        );
      } else {
        const result = await importArchive(storage.url, file, { onProgress: progressBar('rows', io.stdout), say });
        say(
          `imported ${result.manifest.tables.length} tables, ${result.rows} rows from ${file} (made ${result.manifest.createdAt}) ${cost()}`,
        );
        say('restart the forum processes so they read the imported forum afresh');
      }
    },
  }),
  command({
    name: 'maintenance:off',
    database: 'as-is',
    check: (args) => need(args, 0, ''),
    async run({ db, say }) {
      const left = await readMaintenance(db);
      if (!left) say('the forum is not in maintenance mode');
      else if (await importRunning(db)) throw new ImportRefused('an import is under way: it ends maintenance mode by itself');
      else {
        await db.deleteFrom('maintenance').execute();
        say(`${describeInterrupted(left)}; maintenance mode is off and the forum starts without it`);
      }
    },
  }),
];

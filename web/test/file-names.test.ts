// Download names: the web app's `downloadName` follows the same table of cases as the server's
// `exchange::file_names::download_name`, so a file saves under one name whichever made it.
import { describe, expect, it } from 'vitest';
import { downloadName } from '../src/ui/export';
import { exportDownloadName } from '../src/ui/snapshots';
import casesJson from '../../server/src/exchange/file-name-cases.json?raw';

interface Case { parts: string[]; extension: string; name: string }
const cases: Case[] = JSON.parse(casesJson);

describe('downloadName', () => {
  it.each(cases)('names $parts as $name', ({ parts, extension, name }) => {
    expect(downloadName(parts, extension)).toBe(name);
  });

  it('names board and snapshot exports as the server does', () => {
    expect(exportDownloadName('Ryhmä 1', '', 'export.png')).toBe('Ryhmä 1.png');
    expect(exportDownloadName('Ryhmä 1', 'Päivän 1 loppu', 'actors.csv')).toBe('Ryhmä 1 – Päivän 1 loppu – actors.csv');
  });
});

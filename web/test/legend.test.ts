// The legend names each relation status's line pattern from the shared dash definitions.
import { describe, expect, it } from 'vitest';
import { dashName } from '../src/ui/legend';
import { STATUS_DASH } from '../src/render/style';

describe('legend line patterns', () => {
  it('reads the shared status dashes as solid, dashed and dotted', () => {
    expect(dashName(STATUS_DASH.existing)).toBe('legend.solid');
    expect(dashName(STATUS_DASH.desired)).toBe('legend.dashed');
    expect(dashName(STATUS_DASH.weakening)).toBe('legend.dotted');
  });

  it('treats an unreadable pattern as solid, as SVG does', () => {
    expect(dashName('none')).toBe('legend.solid');
    expect(dashName('  ')).toBe('legend.solid');
    expect(dashName('8,4')).toBe('legend.dashed');
  });
});

// The dtrace provider: BEGIN, END and ERROR (IDs 1, 2, 3).
import type { Probe } from '../probe.js';
import type { Provider } from './provider.js';

export const dtraceProvider: Provider = {
  name: 'dtrace',
  names: ['BEGIN', 'END', 'ERROR'],
  list: (firstId: number): Probe[] =>
    (['BEGIN', 'END', 'ERROR'] as const).map((which, i) => ({
      id: firstId + i, provider: 'dtrace', module: '', func: '', name: which, attach: { kind: 'dtrace', which },
    })),
};

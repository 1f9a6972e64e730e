// D's built-in variables and their types.
import { int32, int64, uint32, uint64, stringOf, type DType } from './types.js';

export interface BuiltinVar {
  name: string;
  type: DType;
}

const t = (name: string, type: DType): [string, BuiltinVar] => [name, { name, type }];

/** Variables every clause can read (`arg0`..`arg9` included). */
export const builtinVars: Map<string, BuiltinVar> = new Map([
  t('pid', { ...int32, name: 'pid_t' }),
  t('tid', { ...int32, name: 'id_t' }),
  t('ppid', { ...int32, name: 'pid_t' }),
  t('uid', { ...uint32, name: 'uid_t' }),
  t('gid', { ...uint32, name: 'gid_t' }),
  t('execname', stringOf(16)),
  t('curcpu', { ...int32, name: 'processorid_t' }),
  t('cpu', { ...int32, name: 'processorid_t' }),
  t('timestamp', uint64),
  t('vtimestamp', uint64),
  t('walltimestamp', int64),
  t('probeprov', stringOf(64)),
  t('probemod', stringOf(64)),
  t('probefunc', stringOf(128)),
  t('probename', stringOf(64)),
  t('id', { ...uint32, name: 'id_t' }),
  t('epid', { ...uint32, name: 'epid_t' }),
  t('errno', int32),
  t('curthread', { kind: 'ptr', to: { kind: 'void' }, name: 'struct task_struct *' }),
  t('arg0', int64), t('arg1', int64), t('arg2', int64), t('arg3', int64), t('arg4', int64),
  t('arg5', int64), t('arg6', int64), t('arg7', int64), t('arg8', int64), t('arg9', int64),
  t('ipl', uint32),
  t('stackdepth', uint32),
  t('ustackdepth', uint32),
  t('caller', { ...uint64, name: 'uintptr_t' }),
  t('ucaller', { ...uint64, name: 'uint64_t' }),
  t('cwd', stringOf(256)),
  t('root', stringOf(256)),
]);

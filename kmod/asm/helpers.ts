// Kernel BPF helper function numbers (include/uapi/linux/bpf.h, __BPF_FUNC_MAPPER order).
export const Helper = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  probe_read: 4,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
  get_current_pid_tgid: 14,
  get_current_uid_gid: 15,
  get_current_comm: 16,
  perf_event_output: 25,
  get_stackid: 27,
  get_current_task: 35,
  probe_read_str: 45,
  get_stack: 67,
  get_current_cgroup_id: 80,
  send_signal: 109,
  probe_read_user: 112,
  probe_read_kernel: 113,
  probe_read_user_str: 114,
  probe_read_kernel_str: 115,
  jiffies64: 118,
  ktime_get_boot_ns: 125,
  ringbuf_output: 130,
  ringbuf_reserve: 131,
  ringbuf_submit: 132,
  ringbuf_discard: 133,
  ringbuf_query: 134,
  get_task_stack: 141,
  copy_from_user: 148,
  get_current_task_btf: 158,
  ktime_get_coarse_ns: 160,
  snprintf: 165,
  get_func_ip: 173,
  get_attach_cookie: 174,
  task_pt_regs: 175,
  loop: 181,
  strncmp: 182,
  get_func_arg: 183,
  get_func_ret: 184,
  get_func_arg_cnt: 185,
  map_lookup_percpu_elem: 195,
  ktime_get_tai_ns: 208,
} as const;
export type HelperName = keyof typeof Helper;

/** Flags of bpf_ringbuf_submit/output and bpf_ringbuf_query. */
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;

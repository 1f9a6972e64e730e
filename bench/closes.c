/* Benchmark load: close(-1 - i) for i < N: N distinct failing calls, a distinct arg0 each. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  for (long i = 0; i < n; i++) syscall(SYS_close, -1 - i);
  return 0;
}

/* rxcount.c -- LD_PRELOAD shim: how many bytes a client received from the IMAP server, on the wire.
 *
 *   cc -shared -fPIC -O2 -o rxcount.so rxcount.c -ldl
 *   MAILBENCH_RX_FILE=/tmp/rx MAILBENCH_RX_PORTS=11993,11143 LD_PRELOAD=./rxcount.so mbsync ...
 *
 * Sockets connect()ed to one of MAILBENCH_RX_PORTS are remembered; when the client shuts one down or
 * closes it (or exits with it open: a destructor), "pid.serial bytes_received bytes_acked" from the
 * kernel's TCP_INFO is appended to MAILBENCH_RX_FILE: TCP payload bytes, i.e. what crossed the wire
 * after TLS and after any COMPRESS (IP/TCP headers not included). Nothing is done per byte, so the
 * transfer itself is not slowed. A socket may be reported twice (shutdown, then close): sum the
 * largest value per key (peers.sh does).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int g_ports[16];
static int g_nports = -1;
static const char* g_file;
enum { k_max_fd = 65536 };
static unsigned g_conn[k_max_fd];   /* fd -> serial of its connect() to a watched port, 0 = not watched */
static unsigned g_serial;

static void init(void) {
    if (g_nports >= 0) return;
    g_nports = 0;
    g_file = getenv("MAILBENCH_RX_FILE");
    const char* p = getenv("MAILBENCH_RX_PORTS");
    while (p && *p && g_nports < 16) {
        g_ports[g_nports++] = atoi(p);
        p = strchr(p, ',');
        if (p) ++p;
    }
}

static int watched(const struct sockaddr* a, socklen_t len) {
    int port = -1, i;
    if (!a) return 0;
    if (a->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
        port = ntohs(((const struct sockaddr_in*)a)->sin_port);
    else if (a->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
        port = ntohs(((const struct sockaddr_in6*)a)->sin6_port);
    for (i = 0; i < g_nports; ++i)
        if (g_ports[i] == port) return 1;
    return 0;
}

/* The socket is remembered at connect(): by the time it is closed the server may have reset it,
 * and then getpeername() fails while TCP_INFO still holds the counts. */
int connect(int fd, const struct sockaddr* addr, socklen_t len) {
    static int (*real_connect)(int, const struct sockaddr*, socklen_t);
    if (!real_connect) real_connect = (int (*)(int, const struct sockaddr*, socklen_t))dlsym(RTLD_NEXT, "connect");
    init();
    if (g_file && fd >= 0 && fd < k_max_fd && watched(addr, len)) g_conn[fd] = __atomic_add_fetch(&g_serial, 1, __ATOMIC_RELAXED);
    return real_connect(fd, addr, len);
}

static void record(int fd, int forget) {
    if (fd < 0 || fd >= k_max_fd || !g_conn[fd]) return;
    struct tcp_info ti;
    memset(&ti, 0, sizeof ti);
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
        char line[96];
        int n = snprintf(line, sizeof line, "%d.%u %llu %llu\n", (int)getpid(), g_conn[fd],
                         (unsigned long long)ti.tcpi_bytes_received, (unsigned long long)ti.tcpi_bytes_acked);
        int out = open(g_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (out >= 0) {
            if (write(out, line, (size_t)n) < 0) { /* nothing to do */ }
            syscall(SYS_close, out);
        }
    }
    if (forget) g_conn[fd] = 0;
}

int close(int fd) {
    static int (*real_close)(int);
    if (!real_close) real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    record(fd, 1);
    return real_close(fd);
}

/* offlineimap (imaplib) shuts the socket down before closing it; afterwards getpeername() fails */
int shutdown(int fd, int how) {
    static int (*real_shutdown)(int, int);
    if (!real_shutdown) real_shutdown = (int (*)(int, int))dlsym(RTLD_NEXT, "shutdown");
    record(fd, 0);
    return real_shutdown(fd, how);
}

__attribute__((destructor)) static void at_exit_scan(void) {
    int fd;
    for (fd = 0; fd < k_max_fd; ++fd)
        if (g_conn[fd]) record(fd, 1);
}

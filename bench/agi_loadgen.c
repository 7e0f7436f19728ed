/*
 * agi_loadgen: the FastAGI benchmark's load generator in C (bench/fastagi_bench.py builds and
 * runs it; the Python generator there is the reference this one mirrors).
 *
 * It plays Asterisk for CONCURRENCY callers against 127.0.0.1:PORT, as the Python generator
 * does with pyst's AGI core in the ASTERISK role: each caller connects (TCP_NODELAY), writes
 * the environment block, then reads command lines as res_agi.c's run_agi does (up to "\n",
 * only that "\n" removed, a NUL ends the text, "failure" ends the AGI) and splits them as
 * parse_args does; the first entry of the command table whose words match (ASCII case
 * insensitively) is the command, and its reply is written at once (an unknown command gets
 * the last entry's reply, NOOP's, as the Python generator does). When the script closes its
 * side, the caller writes Asterisk's final "HANGUP" line and closes. A call is good when the
 * table's commands arrived exactly once each, in table order, and nothing else did.
 *
 * Usage: agi_loadgen PORT CONCURRENCY WARMUP DURATION DRAIN SERVER_PID [MAX_CALLS]
 * (SERVER_PID 0: none; MAX_CALLS: start no more calls than this, 0 or absent: no limit)
 * stdin: a line with N, then N lines "word word<TAB>reply line" (the table, in the order the
 * handler sends its commands), then the environment block (the bytes to write, to its end).
 * stdout: "calls", "lost", "started", "server_cpu", "gen_cpu" lines (CPU seconds over the
 * measured window; "nan" when unknown), then "latencies_us" and one latency per line.
 *
 * Calls that end inside [WARMUP, WARMUP + DURATION) count; after the window no call starts
 * and the ones in flight get DRAIN seconds to finish (the rest count as lost).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define MAX_COMMANDS 32
#define MAX_CMD_WORDS 4
#define WORD_CAP 64
#define AGI_BUF_LEN 8192 /* res_agi.c: fgets into an 8192-byte buffer */

struct command {
    int nwords;
    char words[MAX_CMD_WORDS][WORD_CAP];
    char *reply;
    size_t reply_len;
};

struct call {
    int fd;
    int next;   /* commands received so far */
    int bad;    /* something unexpected arrived */
    int failed; /* "failure" arrived: run_agi reads no more */
    double started;
    size_t len;
    char buf[AGI_BUF_LEN];
};

static struct command table[MAX_COMMANDS];
static int ncommands;
static char *env_block;
static size_t env_len;
static struct sockaddr_in server;
static int epfd;
static long live;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* User + system CPU seconds of process pid (/proc/pid/stat fields 14 and 15), NaN if unknown. */
static double process_cpu(long pid) {
    char path[64], text[4096];
    if (pid <= 0) return NAN;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return NAN;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *p = strrchr(text, ')'); /* the command name may hold spaces */
    if (!p) return NAN;
    unsigned long utime, stime;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return NAN;
    return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int send_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1; /* EAGAIN on a few bytes: the peer stopped reading; counts as bad */
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static void start_call(void) {
    struct call *c = calloc(1, sizeof *c);
    if (!c) die("calloc");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (connect(fd, (struct sockaddr *)&server, sizeof server) < 0) {
        if (errno != EINTR) die("connect");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    c->fd = fd;
    c->started = now();
    if (send_all(fd, env_block, env_len) < 0) c->bad = 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    live++;
}

static int ascii_lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

/* res_agi.c parse_args, keeping the first MAX_CMD_WORDS words (lower-cased; a word longer
 * than WORD_CAP - 1 is marked by an empty-string sentinel of length -1 so it matches nothing). */
static int split_words(const char *line, size_t len, char words[][WORD_CAP], int *lens) {
    int nwords = 0, quoted = 0, escaped = 0, whitespace = 1;
    for (size_t i = 0; i < len; i++) {
        char ch = line[i];
        if (ch == '"' && !escaped) {
            quoted = !quoted;
            if (quoted && whitespace) {
                if (nwords < MAX_CMD_WORDS) lens[nwords] = 0;
                nwords++;
                whitespace = 0;
            }
        } else if ((ch == ' ' || ch == '\t') && !quoted && !escaped) {
            whitespace = 1;
        } else if (ch == '\\' && !escaped) {
            escaped = 1;
        } else {
            if (whitespace) {
                if (nwords < MAX_CMD_WORDS) lens[nwords] = 0;
                nwords++;
                whitespace = 0;
            }
            int w = nwords - 1;
            if (w < MAX_CMD_WORDS && lens[w] >= 0) {
                if (lens[w] < WORD_CAP - 1) {
                    words[w][lens[w]++] = (char)ascii_lower((unsigned char)ch);
                } else {
                    lens[w] = -1;
                }
            }
            escaped = 0;
        }
    }
    for (int w = 0; w < nwords && w < MAX_CMD_WORDS; w++)
        if (lens[w] >= 0) words[w][lens[w]] = 0;
    return nwords;
}

/* find_command over the table: the first entry whose words all match, or -1. */
static int find_command(const char *line, size_t len) {
    char words[MAX_CMD_WORDS][WORD_CAP];
    int lens[MAX_CMD_WORDS];
    int nwords = split_words(line, len, words, lens);
    for (int i = 0; i < ncommands; i++) {
        struct command *cmd = &table[i];
        if (nwords < cmd->nwords) continue;
        int match = 1;
        for (int w = 0; w < cmd->nwords && match; w++)
            match = lens[w] >= 0 && strcmp(words[w], cmd->words[w]) == 0;
        if (match) return i;
    }
    return -1;
}

/* One command line (without its "\n"); writes the reply. */
static void handle_line(struct call *c, char *line, size_t len) {
    char *nul = memchr(line, 0, len);
    if (nul) len = (size_t)(nul - line);
    if (len >= 7 && strncasecmp(line, "failure", 7) == 0) {
        c->failed = c->bad = 1; /* run_agi leaves its loop: AGISTATUS=FAILURE */
        return;
    }
    int found = find_command(line, len);
    if (found != c->next) c->bad = 1;
    c->next++;
    struct command *reply = &table[found >= 0 ? found : ncommands - 1];
    if (send_all(c->fd, reply->reply, reply->reply_len) < 0) c->bad = 1;
}

/* One read per readiness (level-triggered, as the Python generator's selectors loop);
 * returns 1 when the script closed (EOF or reset). */
static int read_call(struct call *c) {
    ssize_t n;
    do {
        n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n <= 0) { /* EOF, or ECONNRESET and friends: the end of the connection */
        if (c->len && !c->failed) c->bad = 1; /* an unterminated last command */
        return 1;
    }
    if (c->failed) return 0; /* run_agi reads nothing after "failure" */
    c->len += (size_t)n;
    size_t start = 0;
    for (;;) {
        char *nl = memchr(c->buf + start, '\n', c->len - start);
        if (!nl) break;
        size_t end = (size_t)(nl - c->buf);
        handle_line(c, c->buf + start, end - start);
        start = end + 1;
        if (c->failed) {
            c->len = 0;
            return 0;
        }
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
    if (c->len >= AGI_BUF_LEN - 1) {
        /* fgets cuts a line here; no bench handler sends one: count the call as bad */
        c->bad = 1;
        c->len = 0;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s PORT CONCURRENCY WARMUP DURATION DRAIN SERVER_PID [MAX_CALLS]\n",
                argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int concurrency = atoi(argv[2]);
    double warmup = atof(argv[3]), duration = atof(argv[4]), drain = atof(argv[5]);
    long server_pid = atol(argv[6]);
    long max_calls = argc == 8 ? atol(argv[7]) : 0;

    /* the table, then the environment block */
    char line[AGI_BUF_LEN];
    if (!fgets(line, sizeof line, stdin)) die("stdin");
    ncommands = atoi(line);
    if (ncommands < 1 || ncommands > MAX_COMMANDS) {
        fprintf(stderr, "bad command count\n");
        return 2;
    }
    for (int i = 0; i < ncommands; i++) {
        if (!fgets(line, sizeof line, stdin)) die("stdin");
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "bad table line %d\n", i);
            return 2;
        }
        *tab = 0;
        struct command *cmd = &table[i];
        for (char *word = strtok(line, " "); word; word = strtok(NULL, " ")) {
            if (cmd->nwords == MAX_CMD_WORDS || strlen(word) >= WORD_CAP) {
                fprintf(stderr, "command %d too long\n", i);
                return 2;
            }
            strcpy(cmd->words[cmd->nwords++], word);
        }
        cmd->reply = strdup(tab + 1); /* keeps its "\n" */
        cmd->reply_len = strlen(cmd->reply);
    }
    size_t cap = 4096;
    env_block = malloc(cap);
    for (size_t n; (n = fread(env_block + env_len, 1, cap - env_len, stdin)) > 0;) {
        env_len += n;
        if (env_len == cap) env_block = realloc(env_block, cap *= 2);
    }

    server.sin_family = AF_INET;
    server.sin_port = htons((unsigned short)port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");

    size_t lat_cap = 1 << 16, nlat = 0;
    double *latencies = malloc(lat_cap * sizeof *latencies);
    long lost = 0, started = 0;
    double begin = now();
    double measure_from = begin + warmup, end = measure_from + duration;
    double drain_until = end + drain;
    double srv0 = NAN, srv1 = NAN, gen0 = NAN, gen1 = NAN;
    int marked0 = 0, marked1 = 0;

    for (int i = 0; i < concurrency && (!max_calls || started < max_calls); i++, started++)
        start_call();
    struct epoll_event events[256];
    while (live) {
        double t = now();
        if (t >= drain_until) break;
        if (!marked0 && t >= measure_from) {
            marked0 = 1;
            srv0 = process_cpu(server_pid);
            gen0 = self_cpu();
        }
        if (!marked1 && t >= end) {
            marked1 = 1;
            srv1 = process_cpu(server_pid);
            gen1 = self_cpu();
        }
        int n = epoll_wait(epfd, events, 256, 500);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct call *c = events[i].data.ptr;
            if (!read_call(c)) continue;
            /* the AGI ended: Asterisk's final HANGUP, then close */
            send(c->fd, "HANGUP\n", 7, MSG_NOSIGNAL);
            epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            live--;
            int ok = !c->bad && c->next == ncommands;
            double done = now();
            if (done >= measure_from) {
                if (!ok) {
                    lost++;
                } else if (done < end) {
                    if (nlat == lat_cap) latencies = realloc(latencies, (lat_cap *= 2) * sizeof *latencies);
                    latencies[nlat++] = done - c->started;
                }
            }
            free(c);
            if (done < end && (!max_calls || started < max_calls)) {
                start_call();
                started++;
            }
        }
    }
    if (!marked1) {
        srv1 = process_cpu(server_pid);
        gen1 = self_cpu();
    }
    lost += live; /* still unfinished after the drain */
    qsort(latencies, nlat, sizeof *latencies, cmp_double);
    printf("calls %zu\nlost %ld\nstarted %ld\nserver_cpu %.6f\ngen_cpu %.6f\nlatencies_us\n", nlat,
           lost, started, srv1 - srv0, gen1 - gen0);
    for (size_t i = 0; i < nlat; i++) printf("%.1f\n", latencies[i] * 1e6);
    return 0;
}

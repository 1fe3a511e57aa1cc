/*
 * A fake CUDA driver (libcuda.so.1) for testing NativeDance's binding where no GPU exists.
 * One device ("Fake GPU", compute 9.0). Device memory is host memory, tracked so copies out of bounds and
 * bad frees fail. Every call that needs a context fails with CUDA_ERROR_INVALID_CONTEXT unless the retained
 * primary context was made current on the calling thread just before it: the fake forgets the binding after each
 * such call, as if other code had switched contexts in between, so any call not preceded by its own bind fails
 * (the binding's rule: bind before every call, since pooled threads and other CUDA users share threads).
 * cuLaunchKernel runs the tests' saxpy kernel (y[i] = a * x[i] + y[i]) on the host from the argument buffer
 * passed through `extra`. A launch whose x or y range lies outside the allocations "faults" asynchronously: the launch
 * succeeds and the next synchronising call returns CUDA_ERROR_ILLEGAL_ADDRESS, once (a real GPU's context would
 * stay unusable; the fake recovers so later tests still run). At exit it prints one line: "fake-cuda: clean", or what leaked.
 * FAKE_CUDA_VERSION overrides the reported driver version (default 12040).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum { SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, INVALID_DEVICE = 101, INVALID_CONTEXT = 201,
       INVALID_PTX = 218, NOT_FOUND = 500, ILLEGAL_ADDRESS = 700 };
enum { MAX_ALLOCATIONS = 1 << 16 };
static const size_t TOTAL_BYTES = 16ULL << 30, FREE_BYTES = 8ULL << 30;

static int context_object, saxpy_function;
static int primary_references;
static __thread void *current_context;
static long live_device, live_host, live_streams, live_events, live_modules, unbound_calls;
static struct { uint64_t address; size_t bytes; } allocations[MAX_ALLOCATIONS];
static CUresult pending_fault;

/* The asynchronous fault of an earlier launch, reported by the next synchronising call and then cleared. */
static CUresult take_fault(void)
{
    CUresult fault = pending_fault;
    pending_fault = SUCCESS;
    return fault;
}

#define REQUIRE_CONTEXT()                                                              \
    do {                                                                               \
        if (current_context != &context_object || primary_references <= 0) {          \
            unbound_calls++;                                                           \
            fprintf(stderr, "fake-cuda: %s called without a bound context\n", __func__); \
            return INVALID_CONTEXT;                                                    \
        }                                                                              \
        current_context = NULL;                                                        \
    } while (0)

__attribute__((destructor)) static void report(void)
{
    if (!live_device && !live_host && !live_streams && !live_events && !live_modules && !primary_references && !unbound_calls)
        fprintf(stderr, "fake-cuda: clean\n");
    else
        fprintf(stderr, "fake-cuda: LEAK device=%ld host=%ld streams=%ld events=%ld modules=%ld primary_references=%d unbound_calls=%ld\n",
                live_device, live_host, live_streams, live_events, live_modules, primary_references, unbound_calls);
}

/* True when [address, address + bytes) lies inside one live allocation. */
static int inside(uint64_t address, size_t bytes)
{
    for (int i = 0; i < MAX_ALLOCATIONS; i++)
        if (allocations[i].address && address >= allocations[i].address && address + bytes <= allocations[i].address + allocations[i].bytes)
            return 1;
    return 0;
}

CUresult cuInit(unsigned flags) { return flags == 0 ? SUCCESS : INVALID_VALUE; }

CUresult cuDriverGetVersion(int *version)
{
    const char *forced = getenv("FAKE_CUDA_VERSION");
    *version = forced ? atoi(forced) : 12040;
    return SUCCESS;
}

static const struct { CUresult code; const char *name, *text; } known_errors[] = {
    { INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument" },
    { OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory" },
    { INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed" },
    { NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found" },
};

static CUresult describe(CUresult code, const char **out, int text)
{
    for (size_t i = 0; i < sizeof known_errors / sizeof known_errors[0]; i++)
        if (known_errors[i].code == code) { *out = text ? known_errors[i].text : known_errors[i].name; return SUCCESS; }
    return INVALID_VALUE;
}

CUresult cuGetErrorName(CUresult code, const char **name) { return describe(code, name, 0); }
CUresult cuGetErrorString(CUresult code, const char **text) { return describe(code, text, 1); }

CUresult cuDeviceGetCount(int *count) { *count = 1; return SUCCESS; }
CUresult cuDeviceGet(int *device, int ordinal) { if (ordinal != 0) return INVALID_DEVICE; *device = 0; return SUCCESS; }
CUresult cuDeviceGetName(char *name, int length, int device) { snprintf(name, length, "Fake GPU"); return SUCCESS; }
CUresult cuDeviceTotalMem_v2(size_t *bytes, int device) { *bytes = TOTAL_BYTES; return SUCCESS; }
CUresult cuDeviceGetPCIBusId(char *id, int length, int device) { snprintf(id, length, "0000:3B:00.0"); return SUCCESS; }

CUresult cuDeviceGetAttribute(int *value, int attribute, int device)
{
    switch (attribute) {
    case 1: *value = 1024; break;    /* max threads per block */
    case 16: *value = 132; break;    /* multiprocessors */
    case 75: *value = 9; break;      /* compute capability major */
    case 76: *value = 0; break;      /* minor */
    case 97: *value = 232448; break; /* shared memory per block, opt-in */
    default: return INVALID_VALUE;
    }
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(void **context, int device) { primary_references++; *context = &context_object; return SUCCESS; }

CUresult cuDevicePrimaryCtxRelease_v2(int device)
{
    if (primary_references <= 0) { fprintf(stderr, "fake-cuda: primary context released more often than retained\n"); return INVALID_CONTEXT; }
    primary_references--;
    return SUCCESS;
}

CUresult cuCtxSetCurrent(void *context) { current_context = context; return SUCCESS; }
CUresult cuCtxSynchronize(void) { REQUIRE_CONTEXT(); return take_fault(); }

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total_bytes)
{
    REQUIRE_CONTEXT();
    *free_bytes = FREE_BYTES;
    *total_bytes = TOTAL_BYTES;
    return SUCCESS;
}

CUresult cuMemAlloc_v2(uint64_t *address, size_t bytes)
{
    REQUIRE_CONTEXT();
    if (bytes == 0) return INVALID_VALUE;
    if (bytes > FREE_BYTES) return OUT_OF_MEMORY;
    for (int i = 0; i < MAX_ALLOCATIONS; i++)
        if (!allocations[i].address) {
            allocations[i].address = (uint64_t)malloc(bytes);
            allocations[i].bytes = bytes;
            *address = allocations[i].address;
            live_device++;
            return SUCCESS;
        }
    return OUT_OF_MEMORY;
}

CUresult cuMemFree_v2(uint64_t address)
{
    REQUIRE_CONTEXT();
    for (int i = 0; i < MAX_ALLOCATIONS; i++)
        if (allocations[i].address == address && address) {
            free((void *)address);
            allocations[i].address = 0;
            live_device--;
            return SUCCESS;
        }
    fprintf(stderr, "fake-cuda: cuMemFree_v2 of 0x%llx, which is not allocated\n", (unsigned long long)address);
    return INVALID_VALUE;
}

CUresult cuMemAllocHost_v2(void **host, size_t bytes) { REQUIRE_CONTEXT(); *host = malloc(bytes); live_host++; return SUCCESS; }
CUresult cuMemFreeHost(void *host) { REQUIRE_CONTEXT(); free(host); live_host--; return SUCCESS; }

CUresult cuMemcpyHtoD_v2(uint64_t target, const void *source, size_t bytes)
{
    REQUIRE_CONTEXT();
    if (!inside(target, bytes)) return INVALID_VALUE;
    memcpy((void *)target, source, bytes);
    return SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void *target, uint64_t source, size_t bytes)
{
    REQUIRE_CONTEXT();
    if (!inside(source, bytes)) return INVALID_VALUE;
    memcpy(target, (const void *)source, bytes);
    return SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(uint64_t target, const void *source, size_t bytes, void *stream) { return cuMemcpyHtoD_v2(target, source, bytes); }
CUresult cuMemcpyDtoHAsync_v2(void *target, uint64_t source, size_t bytes, void *stream) { return cuMemcpyDtoH_v2(target, source, bytes); }

CUresult cuMemcpyDtoDAsync_v2(uint64_t target, uint64_t source, size_t bytes, void *stream)
{
    REQUIRE_CONTEXT();
    if (!inside(target, bytes) || !inside(source, bytes)) return INVALID_VALUE;
    memmove((void *)target, (const void *)source, bytes);
    return SUCCESS;
}

CUresult cuMemsetD8_v2(uint64_t target, unsigned char value, size_t count)
{
    REQUIRE_CONTEXT();
    if (!inside(target, count)) return INVALID_VALUE;
    memset((void *)target, value, count);
    return SUCCESS;
}

CUresult cuMemsetD8Async(uint64_t target, unsigned char value, size_t count, void *stream) { return cuMemsetD8_v2(target, value, count); }

/* Requires both log buffers and verbose logging; PTX naming an undeclared register fails like the real JIT. */
CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned count, int *options, void **values)
{
    REQUIRE_CONTEXT();
    char *error_log = NULL, *info_log = NULL;
    size_t error_bytes = 0, info_bytes = 0, verbose = 0;
    for (unsigned i = 0; i < count; i++) {
        switch (options[i]) {
        case 3: info_log = values[i]; break;
        case 4: info_bytes = (size_t)values[i]; break;
        case 5: error_log = values[i]; break;
        case 6: error_bytes = (size_t)values[i]; break;
        case 12: verbose = (size_t)values[i]; break;
        default: return INVALID_VALUE;
        }
    }
    if (!error_log || !info_log || !error_bytes || !info_bytes || !verbose) return INVALID_VALUE;
    if (strstr(image, "%undeclared_register")) {
        snprintf(error_log, error_bytes, "ptxas application ptx input, line 35; error   : Unknown symbol '%%undeclared_register'");
        return INVALID_PTX;
    }
    snprintf(info_log, info_bytes, "ptxas info    : Compiling entry function 'saxpy' for 'sm_90'\nptxas info    : Used 10 registers");
    *module = malloc(1);
    live_modules++;
    return SUCCESS;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name)
{
    REQUIRE_CONTEXT();
    if (strcmp(name, "saxpy") != 0) return NOT_FOUND;
    *function = &saxpy_function;
    return SUCCESS;
}

CUresult cuModuleUnload(void *module) { REQUIRE_CONTEXT(); free(module); live_modules--; return SUCCESS; }

CUresult cuFuncGetAttribute(int *value, int attribute, void *function)
{
    REQUIRE_CONTEXT();
    *value = attribute == 0 ? 1024 : attribute == 4 ? 10 : 0; /* max threads, registers; no shared or local memory */
    return SUCCESS;
}

CUresult cuFuncSetAttribute(void *function, int attribute, int value) { REQUIRE_CONTEXT(); return attribute == 8 && value <= 232448 ? SUCCESS : INVALID_VALUE; }

/* Only the buffer form of arguments: extra = { 0x1, &args, 0x2, &size, 0x0 } with args = { u64 x, u64 y, u32 n, f32 a }. */
CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra)
{
    REQUIRE_CONTEXT();
    if (function != &saxpy_function || (unsigned long long)bx * by * bz > 1024 || params || !extra) return INVALID_VALUE;
    if (extra[0] != (void *)1 || extra[2] != (void *)2 || extra[4] != NULL || *(size_t *)extra[3] != 24) return INVALID_VALUE;
    const char *args = extra[1];
    uint64_t x, y;
    unsigned n;
    float a;
    memcpy(&x, args, 8);
    memcpy(&y, args + 8, 8);
    memcpy(&n, args + 16, 4);
    memcpy(&a, args + 20, 4);
    unsigned long long threads = (unsigned long long)gx * bx;
    if (threads < n) n = (unsigned)threads;
    if (n && (!inside(x, 4ULL * n) || !inside(y, 4ULL * n))) {
        pending_fault = ILLEGAL_ADDRESS;
        return SUCCESS;
    }
    for (unsigned i = 0; i < n; i++) ((float *)y)[i] = fmaf(a, ((const float *)x)[i], ((float *)y)[i]);
    return SUCCESS;
}

CUresult cuStreamCreate(void **stream, unsigned flags) { REQUIRE_CONTEXT(); *stream = malloc(1); live_streams++; return SUCCESS; }
CUresult cuStreamDestroy_v2(void *stream) { REQUIRE_CONTEXT(); free(stream); live_streams--; return SUCCESS; }
CUresult cuStreamSynchronize(void *stream) { REQUIRE_CONTEXT(); return take_fault(); }
CUresult cuStreamQuery(void *stream) { REQUIRE_CONTEXT(); return SUCCESS; }

/* Events hold a fake timestamp that advances by 0.25 ms per record. */
CUresult cuEventCreate(void **event, unsigned flags) { REQUIRE_CONTEXT(); *event = calloc(1, sizeof(double)); live_events++; return SUCCESS; }

CUresult cuEventRecord(void *event, void *stream)
{
    REQUIRE_CONTEXT();
    static double clock_ms;
    clock_ms += 0.25;
    *(double *)event = clock_ms;
    return SUCCESS;
}

CUresult cuEventSynchronize(void *event) { REQUIRE_CONTEXT(); return take_fault(); }

CUresult cuEventElapsedTime(float *milliseconds, void *start, void *end)
{
    REQUIRE_CONTEXT();
    *milliseconds = (float)(*(double *)end - *(double *)start);
    return SUCCESS;
}

CUresult cuEventDestroy_v2(void *event) { REQUIRE_CONTEXT(); free(event); live_events--; return SUCCESS; }

/*
 * A fake NVML (libnvidia-ml.so.1) matching fake_cuda.c's device: one GPU at PCI 0000:3B:00.0 drawing 75.25 W,
 * whose energy counter advances 1.5 J per read. Prints "fake-nvml: clean" at exit when every init was shut down.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { SUCCESS = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_FOUND = 6 };
static int initialisations, device;
static unsigned long long energy_mj = 1000000;

__attribute__((destructor)) static void report(void)
{
    if (initialisations == 0) fprintf(stderr, "fake-nvml: clean\n");
    else fprintf(stderr, "fake-nvml: LEAK %d initialisations not shut down\n", initialisations);
}

int nvmlInit_v2(void) { initialisations++; return SUCCESS; }
int nvmlShutdown(void) { if (initialisations == 0) return UNINITIALIZED; initialisations--; return SUCCESS; }
const char *nvmlErrorString(int result) { return result == UNINITIALIZED ? "Uninitialized" : result == NOT_FOUND ? "Not Found" : "Unknown Error"; }
int nvmlDeviceGetCount_v2(unsigned *count) { if (!initialisations) return UNINITIALIZED; *count = 1; return SUCCESS; }

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **handle)
{
    if (!initialisations) return UNINITIALIZED;
    if (index != 0) return INVALID_ARGUMENT;
    *handle = &device;
    return SUCCESS;
}

int nvmlDeviceGetHandleByPciBusId_v2(const char *id, void **handle)
{
    if (!initialisations) return UNINITIALIZED;
    if (strcasecmp(id, "0000:3b:00.0") != 0) return NOT_FOUND;
    *handle = &device;
    return SUCCESS;
}

int nvmlDeviceGetName(void *handle, char *name, unsigned length) { if (handle != &device) return INVALID_ARGUMENT; snprintf(name, length, "Fake GPU"); return SUCCESS; }
int nvmlDeviceGetPowerUsage(void *handle, unsigned *milliwatts) { if (handle != &device) return INVALID_ARGUMENT; *milliwatts = 75250; return SUCCESS; }

int nvmlDeviceGetTotalEnergyConsumption(void *handle, unsigned long long *millijoules)
{
    if (handle != &device) return INVALID_ARGUMENT;
    energy_mj += 1500;
    *millijoules = energy_mj;
    return SUCCESS;
}

using System.Diagnostics;
using NativeDance.Cuda.Nvml;

namespace NativeDance.Tests.Cuda.Driver;

[Trait("Category", "Gpu")]
[Collection(nameof(GpuCollection))]
public class GpuNvmlTests(GpuFixture gpu)
{
    [Fact]
    public void NvmlFindsTheCudaDeviceAndReadsItsPower()
    {
        var device = gpu.Device;
        Assert.True(NvmlSession.TryOpen(out var nvml, out string reason), reason);
        using (nvml)
        {
            Assert.True(nvml.DeviceCount >= 1);
            var view = nvml.DeviceFor(device);
            Assert.Equal(device.Name, view.Name);
            Assert.InRange(view.ReadPowerMilliwatts(), 1, 2_000_000);
        }
    }

    [Fact]
    public void EnergyMeterCountsTheJoulesOfBusyWork()
    {
        var device = gpu.Sm80Device;
        Assert.True(NvmlSession.TryOpen(out var nvml, out string reason), reason);
        using (nvml)
        {
            var meter = new GpuEnergyMeter(nvml.DeviceFor(device));
            Assert.Throws<InvalidOperationException>(() => meter.Stop());
            const int n = 1 << 24;
            using var module = device.LoadModule("saxpy-test", SaxpyKernel.Ptx);
            using var dx = device.Allocate<float>(n);
            using var dy = device.Allocate<float>(n);
            using var stream = device.CreateStream();
            dx.FillBytes();
            dy.FillBytes();
            var saxpy = module.Function(SaxpyKernel.Entry);
            meter.Start();
            Assert.True(meter.IsRunning);
            var clock = Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 500)
            {
                for (int i = 0; i < 20; i++) stream.Launch(saxpy, SaxpyKernel.Shape(n), new SaxpyKernel.Args(dx.Address, dy.Address, n, 1f));
                stream.Synchronize();
            }
            double joules = meter.Stop();
            Assert.False(meter.IsRunning);
            Assert.True(joules > 0, $"{joules} J over {clock.ElapsedMilliseconds} ms of kernels");
        }
    }
}

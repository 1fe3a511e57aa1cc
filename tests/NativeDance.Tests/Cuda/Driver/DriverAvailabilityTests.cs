using NativeDance.Cuda;
using NativeDance.Cuda.Driver;
using NativeDance.Cuda.Nvml;

namespace NativeDance.Tests.Cuda.Driver;

public class DriverAvailabilityTests
{
    [Fact]
    public void QueryingAvailabilityNeverThrowsAndAgreesWithTheReason()
    {
        bool available = CudaDriver.IsAvailable;
        Assert.Equal(available, CudaDriver.UnavailableReason is null);
        if (!available)
        {
            Assert.Throws<CudaUnavailableException>(() => CudaDriver.Version);
            Assert.Throws<CudaUnavailableException>(() => CudaDriver.DeviceCount);
        }
    }

    [Fact]
    public void OpeningWithoutADriverGivesOneLineNamingTheLibrary()
    {
        Assert.SkipWhen(CudaDriver.IsAvailable, "a CUDA driver and device are present on this machine");
        Assert.False(CudaDevice.TryOpen(0, out var device, out string reason));
        Assert.Null(device);
        Assert.Contains(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so", reason);
        Assert.Contains("CPU backend works without it", reason);
        Assert.DoesNotContain('\n', reason);
        var e = Assert.Throws<CudaUnavailableException>(() => CudaDevice.Open(0));
        Assert.Equal(reason, e.Message);
    }

    [Fact]
    public void NegativeOrdinalIsAnArgumentError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaDevice.TryOpen(-1, out _, out _));

    [Fact]
    public void MissingNvmlIsReportedNotThrown()
    {
        if (NvmlSession.TryOpen(out var session, out string reason))
        {
            session.Dispose();
            return;
        }
        Assert.Contains(OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so", reason);
        Assert.Throws<CudaUnavailableException>(NvmlSession.Open);
    }

    [Fact]
    public void LinuxLoadsTheVersionedDriverFirst()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Linux library names");
        Assert.Equal(["libcuda.so.1", "libcuda.so"], NativeLibraries.CudaCandidates);
        Assert.Equal("libnvidia-ml.so.1", NativeLibraries.NvmlCandidates[0]);
    }

    [Fact]
    public void AMissingLibraryLoadsAsNothingAndIsNamedByItsFirstCandidate()
    {
        var result = NativeLibraries.Load(["libnativedance-absent.so.7", "libnativedance-absent.so"]);
        Assert.False(result.IsLoaded);
        Assert.Equal("libnativedance-absent.so.7", result.Name);
        Assert.Equal(
            "No NVIDIA GPU: the CUDA driver library libnativedance-absent.so.7 could not be loaded (install the NVIDIA driver); the CPU backend works without it.",
            DriverRequirement.LibraryMissing(result.Name));
    }

    [Theory]
    [InlineData(11080, "11.8")]
    [InlineData(12040, "12.4")]
    [InlineData(13000, "13.0")]
    [InlineData(9020, "9.2")]
    public void DriverVersionsFormatAsMajorMinor(int version, string text) => Assert.Equal(text, CudaDriver.FormatVersion(version));

    [Theory]
    [InlineData(11080)]
    [InlineData(12080)]
    [InlineData(13000)]
    public void DriversFromCuda118OnRunOurPtx(int version) => Assert.Null(DriverRequirement.CheckVersion(version));

    [Theory]
    [InlineData(11070, "11.7")]
    [InlineData(11040, "11.4")]
    [InlineData(10020, "10.2")]
    public void OlderDriversAreRefusedNamingBothVersions(int version, string text)
    {
        string? reason = DriverRequirement.CheckVersion(version);
        Assert.NotNull(reason);
        Assert.Contains($"CUDA {text}", reason);
        Assert.Contains("CUDA 11.8 or later", reason);
        Assert.Contains("ISA 7.8", reason);
    }
}

using System.Text;
using NativeDance.Pruning.Reports;

namespace NativeDance.Tests.Reports;

public class PngEncoderTests
{
    [Theory]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("", 0u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32MatchesKnownVectors(string text, uint expected)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Crc32.Compute(bytes));
        Assert.Equal(expected, PngTestDecoder.BitwiseCrc(bytes));
    }

    [Fact]
    public void Crc32AppendEqualsOneShot()
    {
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        foreach (int split in new[] { 0, 1, 17, 999, 1000 })
            Assert.Equal(Crc32.Compute(bytes), Crc32.Append(Crc32.Compute(bytes.AsSpan(0, split)), bytes.AsSpan(split)));
    }

    [Fact]
    public void EncodedCanvasDecodesToExactPixels()
    {
        var canvas = new Canvas(7, 5, new Rgb(10, 20, 30));
        canvas.FillRect(1, 1, 3, 4, new Rgb(255, 0, 128));
        canvas.FillRect(6, 0, 7, 5, new Rgb(0, 255, 1));

        var image = PngTestDecoder.Decode(Encode(canvas));

        Assert.Equal(["IHDR", "IDAT", "IEND"], image.ChunkTypes);
        Assert.Equal((7, 5), (image.Width, image.Height));
        Assert.Equal(canvas.Pixels.ToArray(), image.Rgb);
        Assert.Equal(new Rgb(10, 20, 30), PixelAt(image, 0, 0));
        Assert.Equal(new Rgb(255, 0, 128), PixelAt(image, 2, 3));
        Assert.Equal(new Rgb(10, 20, 30), PixelAt(image, 3, 3));
        Assert.Equal(new Rgb(0, 255, 1), PixelAt(image, 6, 4));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(13, 3)]
    [InlineData(64, 33)]
    public void RandomPixelsRoundTrip(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        new Random(width * 31 + height).NextBytes(rgb);
        var stream = new MemoryStream();
        PngEncoder.Write(stream, width, height, rgb);

        var image = PngTestDecoder.Decode(stream.ToArray());

        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(rgb, image.Rgb);
    }

    [Fact]
    public void RejectsBufferOfWrongSize()
    {
        var ex = Assert.Throws<ArgumentException>(() => PngEncoder.Write(new MemoryStream(), 4, 4, new byte[47]));
        Assert.Contains("47", ex.Message);
        Assert.Throws<ArgumentException>(() => PngEncoder.Write(new MemoryStream(), 0, 4, []));
    }

    [Fact]
    public void SavePngWritesAtomicallyAndLeavesNoTemporaryFile()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nd-png-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(folder, "sub", "image.png");
            var canvas = new Canvas(3, 2, Rgb.Black);
            canvas.SavePng(path);
            canvas.FillRect(0, 0, 3, 2, Rgb.White);
            canvas.SavePng(path); // overwrite

            Assert.Equal(canvas.Pixels.ToArray(), PngTestDecoder.Decode(File.ReadAllBytes(path)).Rgb);
            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static byte[] Encode(Canvas canvas)
    {
        var stream = new MemoryStream();
        PngEncoder.Write(stream, canvas.Width, canvas.Height, canvas.Pixels);
        return stream.ToArray();
    }

    private static Rgb PixelAt(PngTestDecoder.Image image, int x, int y)
    {
        int i = (y * image.Width + x) * 3;
        return new(image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]);
    }
}

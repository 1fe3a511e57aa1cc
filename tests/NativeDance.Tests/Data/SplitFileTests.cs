using NativeDance.Data;
using NativeDance.Data.Video;

namespace NativeDance.Tests.Data;

public sealed class SplitFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Write(string name, string text) => File.WriteAllText(_dir.Combine(name), text);

    private void WriteUcf(string classInd = "1 ApplyEyeMakeup\r\n2 HandstandPushups\r\n3 YoYo\r\n")
    {
        Write("classInd.txt", classInd);
        Write("trainlist01.txt",
            "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\n" +
            "HandstandPushups/v_HandStandPushups_g09_c01.avi 2\r\n" +
            "\r\n" +
            "YoYo/v_YoYo_g10_c02.avi 3\r\n");
        Write("testlist01.txt", "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\nHandStandPushups/v_HandStandPushups_g01_c03.avi\n");
    }

    [Fact]
    public void Ucf101ListsAreParsedWithOneBasedLabelsAndCaseInsensitiveClassFolders()
    {
        WriteUcf();
        var lists = Ucf101SplitFiles.Read(_dir.Path, 1);
        Assert.Equal(["ApplyEyeMakeup", "HandstandPushups", "YoYo"], lists.ClassNames);
        Assert.Equal(
            [new("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi", 0), new("HandstandPushups/v_HandStandPushups_g09_c01.avi", 1), new VideoEntry("YoYo/v_YoYo_g10_c02.avi", 2)],
            lists.Train);
        Assert.Equal([new("ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi", 0), new VideoEntry("HandStandPushups/v_HandStandPushups_g01_c03.avi", 1)], lists.Test);
    }

    [Theory]
    [InlineData("classInd.txt", "1 A\n3 B\n", "classInd.txt:2: class number 3 is out of sequence")]
    [InlineData("classInd.txt", "1 A B\n", "classInd.txt:1: expected '<class number> <class name>'")]
    [InlineData("classInd.txt", "\n\n", "no classes listed")]
    [InlineData("trainlist01.txt", "ApplyEyeMakeup/x.avi 1\nYoYo/y.avi 1\n", "trainlist01.txt:2: class number 1 disagrees with folder 'YoYo' (class 3)")]
    [InlineData("trainlist01.txt", "Juggling/x.avi 1\n", "trainlist01.txt:1: 'Juggling/x.avi' is not inside a class folder")]
    [InlineData("trainlist01.txt", "x.avi 1\n", "trainlist01.txt:1: 'x.avi' is not inside a class folder")]
    [InlineData("trainlist01.txt", "YoYo/y.avi three\n", "trainlist01.txt:1: class number 'three' is not an integer")]
    [InlineData("testlist01.txt", "YoYo/y.avi 3\n", "testlist01.txt:1: expected '<class>/<video>'")]
    public void MalformedUcf101LinesNameFileAndLine(string file, string text, string expected)
    {
        WriteUcf();
        Write(file, text);
        var error = Assert.Throws<InvalidDataException>(() => Ucf101SplitFiles.Read(_dir.Path, 1));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void MissingUcf101FilesAndBadFoldsAreReported()
    {
        WriteUcf();
        Assert.Contains("trainlist02.txt", Assert.Throws<FileNotFoundException>(() => Ucf101SplitFiles.Read(_dir.Path, 2)).Message);
        Assert.Throws<ArgumentException>(() => Ucf101SplitFiles.Read(_dir.Path, 4));
    }

    [Fact]
    public void Hmdb51ListsUseMarkersAndSortClassesOrdinally()
    {
        Write("wave_test_split1.txt", "w1.avi 1\nw2.avi 2 \nw3.avi 0\n");
        Write("brush_hair_test_split1.txt", "b1.avi 2\r\nb2.avi 1\r\n");
        Write("brush_hair_test_split2.txt", "b1.avi 1\n");
        Write("notes.txt", "not a split file\n");
        var lists = Hmdb51SplitFiles.Read(_dir.Path, 1);
        Assert.Equal(["brush_hair", "wave"], lists.ClassNames);
        Assert.Equal([new("brush_hair/b2.avi", 0), new VideoEntry("wave/w1.avi", 1)], lists.Train);
        Assert.Equal([new("brush_hair/b1.avi", 0), new VideoEntry("wave/w2.avi", 1)], lists.Test);
        Assert.Equal([new VideoEntry("brush_hair/b1.avi", 0)], Hmdb51SplitFiles.Read(_dir.Path, 2).Train);
    }

    [Theory]
    [InlineData("a.avi 3\n", "run_test_split1.txt:1: marker '3' is not 0 (unused), 1 (train) or 2 (test)")]
    [InlineData("a.avi\n", "run_test_split1.txt:1: expected '<video> <0|1|2>'")]
    public void MalformedHmdb51LinesNameFileAndLine(string text, string expected)
    {
        Write("run_test_split1.txt", text);
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => Hmdb51SplitFiles.Read(_dir.Path, 1)).Message);
    }

    [Fact]
    public void Hmdb51WithoutSplitFilesIsReported()
    {
        Assert.Throws<FileNotFoundException>(() => Hmdb51SplitFiles.Read(_dir.Path, 3));
        Assert.Throws<DirectoryNotFoundException>(() => Hmdb51SplitFiles.Read(_dir.Combine("absent"), 1));
    }

    [Fact]
    public void ValidationHoldOutIsStratifiedDeterministicAndKeepsGroupsTogether()
    {
        // 3 classes x 8 groups x 3 clips.
        var labels = new List<int>();
        var groups = new List<string>();
        for (int c = 0; c < 3; c++)
        {
            for (int g = 0; g < 8; g++)
            {
                for (int k = 0; k < 3; k++)
                {
                    labels.Add(c);
                    groups.Add($"{c}/g{g}");
                }
            }
        }
        var (train, validation) = ValidationHoldOut.Split(labels, groups, 0.25, seed: 7);
        Assert.Equal(Enumerable.Range(0, labels.Count), train.Concat(validation).Order());
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(6, validation.Count(i => labels[i] == c)));
        Assert.Empty(validation.Select(i => groups[i]).Intersect(train.Select(i => groups[i])));
        Assert.Equal(validation, ValidationHoldOut.Split(labels, groups, 0.25, seed: 7).Validation);
        Assert.NotEqual(validation, ValidationHoldOut.Split(labels, groups, 0.25, seed: 8).Validation);
        Assert.Empty(ValidationHoldOut.Split(labels, groups, 0, seed: 7).Validation);
        Assert.Throws<ArgumentException>(() => ValidationHoldOut.Split(labels, groups, 1.0, seed: 7));
    }

    [Fact]
    public void ValidationHoldOutLeavesEveryClassSomethingToTrainOn()
    {
        int[] labels = [0, 0, 1];
        var (train, validation) = ValidationHoldOut.Split(labels, null, 0.9, seed: 1);
        Assert.Contains(train, i => labels[i] == 0);
        Assert.Contains(train, i => labels[i] == 1);
        Assert.Single(validation);
    }

    [Fact]
    public void NaturalOrderComparesDigitRunsAsNumbers()
    {
        string[] names = ["frame10.jpg", "frame2.jpg", "frame1.jpg", "frame002.png", "a.jpg", "frame1b.jpg"];
        Array.Sort(names, NaturalStringComparer.Instance);
        Assert.Equal(["a.jpg", "frame1.jpg", "frame1b.jpg", "frame2.jpg", "frame002.png", "frame10.jpg"], names); // equal numbers: the rest decides
    }
}

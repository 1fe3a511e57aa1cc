using NativeDance.Data.FashionMnist;
using NativeDance.Data.Procedural;
using NativeDance.Data.Video;

namespace NativeDance.Data;

/// <summary>What dataset to open and how to shape its clips.</summary>
/// <param name="Name">One of <see cref="DatasetCatalog.Names"/>.</param>
/// <param name="Clip">Clip size the dataset renders or decodes to (before crops).</param>
/// <param name="Seed">Seed of rendering, trajectories and validation hold-out.</param>
/// <param name="Root">For ucf101 / hmdb51: the folder of class folders; for fashion-mnist: an optional IDX folder.</param>
/// <param name="Splits">For ucf101 / hmdb51: the folder of official split files.</param>
/// <param name="Fold">Official split fold (1 to 3).</param>
/// <param name="TrainClips">Clips in the training split: procedural ones rendered (default 2000); for other datasets a seeded subset, or the whole split when null.</param>
/// <param name="EvalClips">Clips in the validation and in the test split, by the same rule (procedural default 500).</param>
public sealed record DatasetRequest(string Name, ClipSpec Clip, ulong Seed = 1, string? Root = null, string? Splits = null, int Fold = 1,
    int? TrainClips = null, int? EvalClips = null)
{
    /// <summary>Procedural clips rendered for training when <see cref="TrainClips"/> is not given.</summary>
    public const int DefaultProceduralTrainClips = 2000;

    /// <summary>Procedural clips rendered for validation and for test when <see cref="EvalClips"/> is not given.</summary>
    public const int DefaultProceduralEvalClips = 500;
}

/// <summary>Opens any of the datasets NativeDance knows by name, one split at a time.</summary>
/// <example><code>var request = new DatasetRequest("procedural", new ClipSpec(16, 32, 32, 3));
/// var train = DatasetCatalog.Open(request, DatasetSplit.Train);</code></example>
public static class DatasetCatalog
{
    /// <summary>Dataset names understood by <see cref="Open"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["procedural", "fashion-mnist", "ucf101", "hmdb51"];

    /// <summary>Opens split <paramref name="split"/> of the requested dataset.</summary>
    /// <exception cref="ArgumentException">The name is unknown or a required folder is not given.</exception>
    /// <exception cref="FileNotFoundException">Files are missing; the message says how to get them.</exception>
    public static IClipDataset Open(DatasetRequest request, DatasetSplit split)
    {
        var data = OpenWhole(request, split);
        int? limit = split == DatasetSplit.Train ? request.TrainClips : request.EvalClips;
        return limit is { } n && data.Count > n ? new ClipSubset(data, n, request.Seed + (ulong)split) : data;
    }

    private static IClipDataset OpenWhole(DatasetRequest request, DatasetSplit split)
    {
        switch (request.Name.ToLowerInvariant())
        {
            case "procedural":
                int count = split == DatasetSplit.Train
                    ? request.TrainClips ?? DatasetRequest.DefaultProceduralTrainClips
                    : request.EvalClips ?? DatasetRequest.DefaultProceduralEvalClips;
                return new ProceduralVideoDataset(split, count, request.Clip, request.Seed);
            case "fashion-mnist":
                var images = FashionMnistImages.Load(split == DatasetSplit.Test ? FashionMnistPart.Test : FashionMnistPart.Train, request.Root);
                return new MovingFashionMnistDataset(images, split, new MovingFashionMnistOptions { Spec = request.Clip, Seed = request.Seed });
            case "ucf101":
            case "hmdb51":
                if (request.Root is null || request.Splits is null)
                    throw new ArgumentException($"Dataset {request.Name} needs the folder of class folders (--data-root) and the folder of split files (--splits).");
                var options = new VideoClipOptions { Spec = request.Clip, Seed = request.Seed };
                return request.Name.Equals("ucf101", StringComparison.OrdinalIgnoreCase)
                    ? VideoFolderDataset.Ucf101(request.Root, request.Splits, request.Fold, split, options)
                    : VideoFolderDataset.Hmdb51(request.Root, request.Splits, request.Fold, split, options);
            default:
                throw new ArgumentException($"Unknown dataset '{request.Name}'. Known datasets: {string.Join(", ", Names)}.");
        }
    }
}

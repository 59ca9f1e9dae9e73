using Multinode.Infra.Simulation;
using ScottPlot;
using SkiaSharp;

namespace Multinode.Infra.Cli;

/// <summary>
/// Draws a simulation with ScottPlot: one panel per workload with demand, ideal and running workers over time (and the
/// platform's desired count, thin), as step lines. PNG or SVG by the file's extension.
/// </summary>
public static class SimulationPlot
{
    public const int Width = 900;
    public const int PanelHeight = 320;

    /// <summary>Panels on one page (file); further workloads go to FILE-2.png, FILE-3.png, …</summary>
    public const int PanelsPerPage = 12;

    /// <summary>Draws every workload of <paramref name="simulation"/>, <see cref="PanelsPerPage"/> panels a file:
    /// <paramref name="path"/>, then the same name with -2, -3, … before the extension. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Save(SimulationResult simulation, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"--plot {path}: the file must end in .png or .svg");
        var files = new List<string>();
        var pages = simulation.Workloads.Chunk(PanelsPerPage).ToList();
        if (pages.Count == 0) pages.Add([]);
        for (var i = 0; i < pages.Count; i++)
        {
            var file = i == 0 ? path : Path.ChangeExtension(path, null) + $"-{i + 1}" + Path.GetExtension(path);
            SavePage(pages[i].Select(w => Panel(w, simulation.Seconds)).ToList(), file, extension);
            files.Add(file);
        }
        return files;
    }

    /// <summary>The page files <see cref="Save"/> writes for <paramref name="workloads"/> workloads.</summary>
    public static IReadOnlyList<string> Pages(string path, int workloads) =>
        [.. Enumerable.Range(0, Math.Max(1, (workloads + PanelsPerPage - 1) / PanelsPerPage))
            .Select(i => i == 0 ? path : Path.ChangeExtension(path, null) + $"-{i + 1}" + Path.GetExtension(path))];

    private static void SavePage(IReadOnlyList<Plot> panels, string path, string extension)
    {
        var height = PanelHeight * Math.Max(1, panels.Count);
        using var file = File.Create(path);
        if (extension == ".svg")
        {
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), file))
                Draw(canvas, panels);
            return;
        }
        using var surface = SKSurface.Create(new SKImageInfo(Width, height));
        Draw(surface.Canvas, panels);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        png.SaveTo(file);
    }

    /// <summary>SkiaSharp's native library could not be loaded: its type initializer fails with
    /// DllNotFoundException.</summary>
    public static bool MissingNativeLibrary(Exception e) =>
        e is DllNotFoundException
        || e is TypeInitializationException { InnerException: { } inner } && MissingNativeLibrary(inner);

    private static void Draw(SKCanvas canvas, IReadOnlyList<Plot> panels)
    {
        canvas.Clear(SKColors.White);
        for (var i = 0; i < panels.Count; i++)
        {
            // A plot clears the whole canvas before it draws: clipped to its panel, it leaves the panels above intact.
            canvas.Save();
            canvas.ClipRect(new SKRect(0, i * PanelHeight, Width, (i + 1) * PanelHeight));
            panels[i].Render(canvas, new PixelRect(0, Width, i * PanelHeight, (i + 1) * PanelHeight));
            canvas.Restore();
        }
    }

    /// <summary>Step series from the change points, extended to the end.</summary>
    private static (double[] X, double[] Y) Steps(IReadOnlyList<SimulationPoint> series,
        Func<SimulationPoint, double> value, int end) =>
        ([.. series.Select(p => (double)p.Seconds).Append(end)], [.. series.Select(value).Append(value(series[^1]))]);

    private static Plot Panel(WorkloadSimulation w, int end)
    {
        var plot = new Plot();
        var service = w.Kind.Has<Workloads.ILoadBalanced>();
        void Line(Func<SimulationPoint, double> value, string label, string color, float width, LinePattern pattern)
        {
            var (x, y) = Steps(w.Series, value, end);
            var line = plot.Add.Scatter(x, y);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = width;
            line.LinePattern = pattern;
            line.Color = Color.FromHex(color);
            line.LegendText = label;
        }
        Line(p => p.Demand, service ? "demand (CPU cores)" : "demand (in flight)", "#9e9e9e", 2, LinePattern.Solid);
        Line(p => p.Ideal, "ideal", "#2e7d32", 2, LinePattern.Dashed);
        Line(p => p.Running, "running", "#1565c0", 2.5f, LinePattern.Solid);
        // Drawn last and thick enough to show on top of running where the two are equal.
        Line(p => p.Desired, "desired (platform)", "#ef6c00", 2, LinePattern.Dotted);
        var s = w.Summary;
        plot.Title($"{w.Kind} {w.Name} on {w.Target.Name}: {s.WorkerSeconds} worker-s " +
            $"(ideal {s.IdealWorkerSeconds}), wait {SimulationPrinter.Wait(w.Kind, s.WaitSeconds)}, " +
            $"cost {SimulationPrinter.Money(s.Cost)}", size: 13);
        plot.XLabel("seconds");
        plot.YLabel("workers");
        var top = w.Series.Max(p => Math.Max(Math.Max(p.Demand, p.Ideal), Math.Max(p.Desired, p.Running)));
        plot.Axes.SetLimits(0, end, 0, Math.Max(1, top) * 1.15);
        // Workers come whole: no tick between two counts.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}

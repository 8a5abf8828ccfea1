namespace Dealership.Tests.Support;

public static class Repository
{
    /// <summary>The checkout's root folder: the one holding Dealership.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dealership.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Dealership.sln was not found above " + AppContext.BaseDirectory);
    }
}

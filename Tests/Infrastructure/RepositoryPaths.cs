namespace OrleansChat.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The folder holding OrleansChat.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The dotnet host running the tests, so child processes use the same SDK and runtime.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OrleansChat.sln not found above {AppContext.BaseDirectory}");
    }
}

using SaltBatch.Core.Payload;

namespace SaltBatch.TestKit.SimulatedMaster;

/// <summary>
/// What simulated minions return, shaped as genuine minions shape it: a state function returns a state run (one map
/// per state, keyed <c>&lt;module&gt;_|-&lt;id&gt;_|-&lt;name&gt;_|-&lt;function&gt;</c>, as highstate.py reads it), anything else a
/// plain value. A failed state run carries retcode 2, a failed command its exit code.
/// </summary>
public static class MinionReturns
{
    /// <summary>The retcode a minion sets for a state run with a failed state.</summary>
    public const long FailedStateRetcode = 2;

    public static bool IsStateFunction(string? function) => function?.StartsWith("state.", StringComparison.Ordinal) == true;

    /// <summary>A successful return: an nginx state run with its config file changed, or <c>True</c>.</summary>
    public static object? Succeeded(string? function) => IsStateFunction(function) ? NginxRun(configChanged: true) : true;

    /// <summary>A failed return and its retcode: the nginx run whose config source is missing, or a command's error text.</summary>
    public static (object? Return, long Retcode) Failed(string? function) => IsStateFunction(function)
        ? (NginxRun(configChanged: false, sourceMissing: true), FailedStateRetcode)
        : ("df: /srv/data: No such file or directory", 1);

    /// <summary>
    /// The three states of the sandbox's <c>nginx</c> SLS. With <paramref name="sourceMissing"/> the config file fails,
    /// and the service that requires it fails with it, as Salt reports a failed requisite.
    /// </summary>
    public static PayloadMap NginxRun(bool configChanged, bool sourceMissing = false)
    {
        var config = sourceMissing
            ? State("nginx_conf", "/etc/nginx/nginx.conf", 1, false, "Source file salt://nginx/files/nginx.conf not found in saltenv 'base'", 4.2)
            : State("nginx_conf", "/etc/nginx/nginx.conf", 1, true,
                configChanged ? "File /etc/nginx/nginx.conf updated" : "File /etc/nginx/nginx.conf is in the correct state", 18.7,
                configChanged ? new PayloadMap { { "diff", "--- \n+++ \n@@ -1 +1 @@\n-worker_processes 2;\n+worker_processes auto;\n" } } : null);
        var service = sourceMissing
            ? State("nginx", "nginx", 2, false, "One or more requisite failed: nginx.nginx_conf", 0.0)
            : State("nginx", "nginx", 2, true, "The service nginx is already running", 31.5);
        return new PayloadMap
        {
            { "pkg_|-nginx_pkg_|-nginx_|-installed", State("nginx_pkg", "nginx", 0, true, "All specified packages are already installed", 612.4) },
            { "file_|-nginx_conf_|-/etc/nginx/nginx.conf_|-managed", config },
            { "service_|-nginx_|-nginx_|-running", service },
        };
    }

    private static PayloadMap State(string id, string name, long runNumber, bool result, string comment, double durationMs, PayloadMap? changes = null) => new()
    {
        { "name", name },
        { "changes", changes ?? new PayloadMap() },
        { "result", result },
        { "comment", comment },
        { "__sls__", "nginx" },
        { "__run_num__", runNumber },
        { "start_time", "03:00:00.000000" },
        { "duration", durationMs },
        { "__id__", id },
    };
}

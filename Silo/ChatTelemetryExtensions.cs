using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansChat.WebFront;

namespace OrleansChat.Silo;

public static class ChatTelemetryExtensions
{
    /// <summary>
    /// Metrics through OpenTelemetry: the chat's own meter, Orleans' and ASP.NET Core's. They are exported
    /// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OpenTelemetry variables
    /// configure the rest); otherwise they are collected for nobody and cost next to nothing.
    /// </summary>
    public static WebApplicationBuilder AddChatTelemetry(this WebApplicationBuilder builder, ChatDeployment deployment)
    {
        var exportOtlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService("orleans-chat", serviceInstanceId: Environment.MachineName)
                .AddAttributes([new("chat.role", deployment.Role.Name()), new("orleans.cluster_id", deployment.Cluster.ClusterId)]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChatMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting",
                    "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections");
                if (exportOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }
}

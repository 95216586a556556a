using OrleansChat.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatServer();

var app = builder.Build();
app.MapChatServer();
StopDeadline.Arm(app.Lifetime, ChatServerExtensions.ShutdownTimeout + TimeSpan.FromSeconds(1));
app.Run();

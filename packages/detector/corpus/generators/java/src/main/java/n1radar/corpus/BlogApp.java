package n1radar.corpus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * The blog app: Hibernate 6 on H2 (in memory) or PostgreSQL ($BLOG_DB_URL), served by the JDK's HTTP server on
 * 127.0.0.1:$BLOG_PORT, one context per route (the agent names the SERVER span after it). Each response carries
 * its trace id in x-trace-id, so the recorder can label the trace. Run under the OpenTelemetry Java agent.
 */
public final class BlogApp {
  public static void main(String[] args) throws IOException {
    String url = env("BLOG_DB_URL", "jdbc:h2:mem:blog;DB_CLOSE_DELAY=-1");
    SessionFactory sf = sessionFactory(url, env("BLOG_DB_USER", "sa"), env("BLOG_DB_PASSWORD", ""));
    Seed.run(sf);
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(env("BLOG_PORT", "14540"))), 64);
    Routes routes = new Routes(sf);
    for (Map.Entry<String, Routes.Handler> route : routes.all().entrySet()) {
      server.createContext(route.getKey(), exchange -> serve(exchange, route.getValue()));
    }
    server.start();
    System.out.println("blog app ready on " + server.getAddress() + " (" + url + ")");
  }

  static SessionFactory sessionFactory(String url, String user, String password) {
    return new Configuration()
        .addAnnotatedClass(Author.class)
        .addAnnotatedClass(Post.class)
        .addAnnotatedClass(Comment.class)
        .addAnnotatedClass(Tag.class)
        .addAnnotatedClass(PostTag.class)
        .setProperty("hibernate.connection.url", url)
        .setProperty("hibernate.connection.username", user)
        .setProperty("hibernate.connection.password", password)
        .setProperty("hibernate.hbm2ddl.auto", "create")
        // Lets a flush send INSERTs of sequence-keyed rows as one JDBC batch (the bulk-write fix).
        .setProperty("hibernate.jdbc.batch_size", "50")
        .setProperty("hibernate.order_inserts", "true")
        .buildSessionFactory();
  }

  private static void serve(HttpExchange exchange, Routes.Handler handler) throws IOException {
    int status = 200;
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    try {
      handler.handle(query(exchange));
    } catch (RuntimeException e) {
      status = 500;
      body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
      e.printStackTrace();
    }
    exchange.getResponseHeaders().set("x-trace-id", Span.current().getSpanContext().getTraceId());
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> out = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) return out;
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}

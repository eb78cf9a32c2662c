package n1radar.corpus.spring;

import io.opentelemetry.api.trace.Span;
import jakarta.persistence.EntityManagerFactory;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import n1radar.corpus.Seed;
import org.hibernate.SessionFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.context.annotation.Bean;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The blog app again, as Spring Boot users write it: Spring MVC controllers over Spring Data JPA repositories on the
 * same entities (Hibernate 6, H2 in memory, HikariCP), with Boot's defaults (open-in-view on). Run under the agent.
 */
@SpringBootApplication
@EntityScan("n1radar.corpus")
@EnableJpaRepositories(considerNestedRepositories = true) // they are declared in Repositories.java
public class SpringBlogApp {
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringBlogApp.class);
    String port = System.getenv().getOrDefault("BLOG_PORT", "14540");
    app.setDefaultProperties(
        Map.of(
            "server.port", port,
            "server.address", "127.0.0.1",
            "spring.datasource.url", "jdbc:h2:mem:blog;DB_CLOSE_DELAY=-1",
            "spring.jpa.hibernate.ddl-auto", "create",
            "spring.jpa.properties.hibernate.jdbc.batch_size", "50",
            "spring.jpa.properties.hibernate.order_inserts", "true",
            "spring.main.banner-mode", "off"));
    app.run(args);
  }

  @Bean
  ApplicationRunner seed(EntityManagerFactory emf) {
    return args -> Seed.run(emf.unwrap(SessionFactory.class));
  }

  /** Each response carries its trace id, so the recorder can label the trace. */
  @Bean
  OncePerRequestFilter traceIdHeader() {
    return new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
          throws ServletException, IOException {
        res.setHeader("x-trace-id", Span.current().getSpanContext().getTraceId());
        chain.doFilter(req, res);
      }
    };
  }
}

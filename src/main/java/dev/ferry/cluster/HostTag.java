package dev.ferry.cluster;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Cluster mode: every meter carries the tag {@code host}, so that the hosts' metrics can be told apart (and summed)
 * where they are collected. Without cluster mode the meters are as they were.
 */
@Singleton
public class HostTag {

    @Produces
    @Singleton
    MeterFilter hostTag(Cluster cluster) {
        return cluster.enabled() ? MeterFilter.commonTags(Tags.of("host", cluster.host())) : new MeterFilter() {
        };
    }
}

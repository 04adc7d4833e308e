<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.org/app" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" numberMatched="5" numberReturned="5">
<wfs:member><app:lieu gml:id="lieu.1"><app:geom><gml:Point gml:id="p1" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.801 2.307</gml:pos></gml:Point></app:geom><app:code>P1</app:code><app:nom>Lieu &lt;1&gt; &amp; fils</app:nom></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.2"><app:geom><gml:Point gml:id="p2" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.802 2.314</gml:pos></gml:Point></app:geom><app:code>P2</app:code><app:nom>Lieu &lt;2&gt; &amp; fils</app:nom></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.3"><app:geom><gml:Point gml:id="p3" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.803 2.321</gml:pos></gml:Point></app:geom><app:code>P3</app:code><app:nom>Lieu &lt;3&gt; &amp; fils</app:nom></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.4"><app:geom><gml:Point gml:id="p4" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.804 2.328</gml:pos></gml:Point></app:geom><app:code>P4</app:code><app:nom>Lieu &lt;4&gt; &amp; fils</app:nom></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.5"><app:geom><gml:Point gml:id="p5" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.805 2.335</gml:pos></gml:Point></app:geom><app:code>P5</app:code><app:nom>Lieu &lt;5&gt; &amp; fils</app:nom></app:lieu></wfs:member>
</wfs:FeatureCollection>
